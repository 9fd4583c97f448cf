package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The retention processor alone, on in-memory stores, with the wall-clock punctuator fired by hand. */
class RetentionProcessorTest {

    private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

    private final KeyRing keys = KeyRing.random("t", Instant.EPOCH);
    private KeyValueStore<Bytes, byte[]> index;
    private KeyValueStore<String, byte[]> meta;
    private KeyValueStore<Bytes, byte[]> subjects;
    private KeyValueStore<Bytes, byte[]> held;

    @BeforeEach
    void stores() {
        index = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ExpiryIndex.STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        meta = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(RetentionProcessor.META_STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        subjects = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SubjectIndex.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        held = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(HeldIndex.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
    }

    @Test
    void shouldDeleteWhatANewShorterPolicyPutsOutsideItsWindowOnTheNextSweep() {
        MockProcessorContext<String, RetentionEvent> v1 = start(policy(1, "180d"));
        RetentionProcessor p1 = processor(policy(1, "180d"), v1);
        p1.process(new Record<>("pbx1:1", billing("pbx1:1", NOW.minus(Duration.ofDays(100))), NOW.toEpochMilli()));
        p1.process(new Record<>("pbx1:2", billing("pbx1:2", NOW.minus(Duration.ofDays(10))), NOW.toEpochMilli()));
        p1.sweep(NOW.toEpochMilli());
        assertThat(v1.forwarded()).isEmpty();

        // The policy shortens billing from 180 to 90 days; the same stores, a new processor.
        MockProcessorContext<String, RetentionEvent> v2 = start(policy(2, "90d"));
        RetentionProcessor p2 = processor(policy(2, "90d"), v2);
        v2.scheduledPunctuators().get(0).getPunctuator().punctuate(NOW.plusSeconds(60).toEpochMilli());

        List<Record<String, RetentionEvent>> out = v2.forwarded().stream()
                .map(f -> new Record<String, RetentionEvent>(f.record().key(), f.record().value(), f.record().timestamp()))
                .toList();
        assertThat(out).filteredOn(r -> r.value().isTombstoneFor(DataClass.BILLING))
                .extracting(Record::key).containsExactly("pbx1:1");
        assertThat(out).filteredOn(r -> r.value().isReceipt()).singleElement().satisfies(r -> {
            assertThat(r.value().receipt().getReason()).isEqualTo(DeletionReason.POLICY_CHANGE);
            assertThat(r.value().receipt().getPolicyVersion()).isEqualTo(2);
            assertThat(r.value().receipt().getWindowClose()).isEqualTo(NOW.minus(Duration.ofDays(10)));
        });
        assertThat(index.approximateNumEntries()).as("the 10-day-old record and both analytics entries remain").isEqualTo(3);
        assertThat(p2).isNotNull();
    }

    @Test
    void shouldScheduleTheSweepOnWallClockTime() {
        MockProcessorContext<String, RetentionEvent> ctx = start(policy(1, "180d"));
        processor(policy(1, "180d"), ctx);

        assertThat(ctx.scheduledPunctuators()).hasSize(2).allSatisfy(p ->
                assertThat(p.getType()).isEqualTo(org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME));
        assertThat(ctx.scheduledPunctuators()).extracting(p -> p.getInterval())
                .containsExactly(Duration.ofMinutes(1), Duration.ofMillis(200));
    }

    private MockProcessorContext<String, RetentionEvent> start(RetentionPolicy policy) {
        MockProcessorContext<String, RetentionEvent> ctx = new MockProcessorContext<>();
        index.init(ctx.getStateStoreContext(), index);
        meta.init(ctx.getStateStoreContext(), meta);
        subjects.init(ctx.getStateStoreContext(), subjects);
        held.init(ctx.getStateStoreContext(), held);
        return ctx;
    }

    private RetentionProcessor processor(RetentionPolicy policy, MockProcessorContext<String, RetentionEvent> ctx) {
        RetentionProcessor p = new RetentionProcessor(policy, () -> new Pseudonymizer(keys, new NumberFacts(10)),
                new RetentionMetrics(), "cdr.billing", "cdr.analytics", null, false);
        p.init(ctx);
        return p;
    }

    private static RetentionPolicy policy(int version, String billing) {
        return RetentionPolicy.parse("version: " + version + "\nwindows: {billing: " + billing + ", analytics: 365d}\n", "t");
    }

    private static BillingRecord billing(String id, Instant end) {
        return BillingRecord.newBuilder().setRecordId(id).setSource("pbx1").setAccount("acct-7")
                .setCalling(new PartyNumber("201", NumberType.EXTENSION)).setCalled(new PartyNumber("+493012345678", NumberType.E164))
                .setStartTime(end.minusSeconds(60)).setEndTime(end).setDurationSeconds(60).setBillableSeconds(55)
                .setDisposition(Disposition.ANSWERED).setLegRole(LegRole.ORIGINATING).build();
    }
}
