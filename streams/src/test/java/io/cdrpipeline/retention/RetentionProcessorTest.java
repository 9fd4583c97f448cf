package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.AuditKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.schema.SubjectKind;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
    private KeyValueStore<Bytes, byte[]> ledger;
    /** The control mirrors the processor under test reads (also what an arriving CDR is decided against). */
    private ControlMirrors subjectsNow;

    @BeforeEach
    void stores() {
        index = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ExpiryIndex.STORE), Serdes.Bytes(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        meta = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SweepState.STORE), Serdes.String(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        subjects = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SubjectIndex.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        held = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(HeldIndex.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        ledger = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DeletionLedger.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
    }

    @Test
    void shouldDeleteWhatANewShorterPolicyPutsOutsideItsWindowOnTheNextSweep() {
        MockProcessorContext<String, RetentionEvent> v1 = start(policy(1, "180d"));
        RetentionProcessor p1 = processor(policy(1, "180d"), v1);
        p1.process(arrival("pbx1:1", billing("pbx1:1", NOW.minus(Duration.ofDays(100))), NOW.toEpochMilli()));
        p1.process(arrival("pbx1:2", billing("pbx1:2", NOW.minus(Duration.ofDays(10))), NOW.toEpochMilli()));
        p1.sweep(NOW.toEpochMilli());
        // Nothing to delete: the sweep's only output is the keep-alive that keeps quiet output partitions rolling.
        assertThat(v1.forwarded()).singleElement().satisfies(f -> {
            assertThat(f.record().value().isKeepAlive()).isTrue();
            assertThat(KeepAlive.isKeepAlive(f.record().key())).isTrue();
            // A header lets consumers that cannot test keys (Kafka Connect's Filter + HasHeaderKey) drop it.
            assertThat(f.record().headers().lastHeader(KeepAlive.HEADER)).isNotNull();
        });

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
        assertThat(index.approximateNumEntries())
                .as("both entries remain: the analytics records (365 days) are still kept").isEqualTo(2);
        assertThat(p2).isNotNull();
    }

    /**
     * The other direction (issue 14): a longer window keeps what the old one would have deleted,
     * and deletes it when the new window closes — as WINDOW_CLOSED, its windowClose the call end + the
     * new window. Re-indexing is done in steps of the sweep budget (2 here, for 5 entries).
     */
    @Test
    void shouldKeepWhatALongerPolicyStillCoversAndDeleteItWhenTheNewWindowCloses() {
        RetentionPolicy v1Policy = policy(1, "30d", 2);
        MockProcessorContext<String, RetentionEvent> v1 = start(v1Policy);
        RetentionProcessor p1 = processor(v1Policy, v1);
        Instant end = NOW.minus(Duration.ofDays(20));
        for (int i = 1; i <= 5; i++) {
            p1.process(arrival("pbx1:" + i, billing("pbx1:" + i, end.plusSeconds(i)), NOW.toEpochMilli()));
        }
        p1.sweep(NOW.toEpochMilli());
        assertThat(billingTombstones(v1)).isEmpty();

        RetentionPolicy v2Policy = policy(2, "90d", 2);
        MockProcessorContext<String, RetentionEvent> v2 = start(v2Policy);
        RetentionProcessor p2 = processor(v2Policy, v2);
        // 35 days after the calls: past the old 30 days, within the new 90. Several steps to re-index 5 entries.
        for (int step = 0; step < 6; step++) {
            p2.sweep(end.plus(Duration.ofDays(35)).plusSeconds(step).toEpochMilli());
        }
        assertThat(billingTombstones(v2)).as("kept under the longer window").isEmpty();
        v2.resetForwards();
        // A day before the new window closes: nothing; a day after: all five, as WINDOW_CLOSED at end + 90 days.
        p2.sweep(end.plus(Duration.ofDays(89)).toEpochMilli());
        assertThat(billingTombstones(v2)).isEmpty();
        for (int step = 0; step < 4; step++) {
            p2.sweep(end.plus(Duration.ofDays(91)).plusSeconds(step).toEpochMilli());
        }
        assertThat(billingTombstones(v2)).containsExactly("pbx1:1", "pbx1:2", "pbx1:3", "pbx1:4", "pbx1:5");
        List<RetentionEvent> receipts = v2.forwarded().stream().<RetentionEvent>map(f -> f.record().value())
                .filter(e -> e.isReceipt() && e.receipt().getDataClass() == DataClass.BILLING).toList();
        assertThat(receipts).allSatisfy(e -> {
            assertThat(e.receipt().getReason()).isEqualTo(DeletionReason.WINDOW_CLOSED);
            assertThat(e.receipt().getPolicyVersion()).isEqualTo(2);
            // Rounded down to the sweep interval (1 minute by default): the calls ended at end + 1..5 s.
            assertThat(e.receipt().getWindowClose()).isEqualTo(end.plus(Duration.ofDays(90)));
        });
        // Steps of two deletions each: one receipt per step, standing for the records the step deleted.
        assertThat(receipts).extracting(e -> e.receipt().getCount()).containsExactly(2, 2, 1);
    }

    /**
     * A shorter policy meets a legal hold (issue 14): a record the new window puts in the past is
     * parked, not deleted, while its account is held, and goes (HOLD_RELEASED) when the hold ends;
     * a record of another account goes at once (POLICY_CHANGE).
     */
    @Test
    void shouldParkWhatAShorterPolicyWouldDeleteWhileItsAccountIsHeld() {
        KeyValueStore<String, byte[]> holds = memory(ControlMirrors.HOLDS_STORE);
        KeyValueStore<String, byte[]> erasures = memory(ControlMirrors.ERASURES_STORE);
        MockProcessorContext<String, RetentionEvent> v1 = start(policy(1, "180d"), holds, erasures);
        RetentionProcessor p1 = processor(policy(1, "180d"), v1);
        p1.process(arrival("pbx1:1", billing("pbx1:1", NOW.minus(Duration.ofDays(100))), NOW.toEpochMilli()));
        p1.process(arrival("pbx1:2", billingOf("pbx1:2", "acct-free", NOW.minus(Duration.ofDays(100))), NOW.toEpochMilli()));
        p1.sweep(NOW.toEpochMilli());
        holds.put("acct-7|h1", new byte[] {1});

        MockProcessorContext<String, RetentionEvent> v2 = start(policy(2, "90d"), holds, erasures);
        RetentionProcessor p2 = processor(policy(2, "90d"), v2);
        p2.sweep(NOW.plusSeconds(60).toEpochMilli());
        assertThat(billingTombstones(v2)).containsExactly("pbx1:2");
        assertThat(v2.forwarded()).map(f -> f.record().value()).filteredOn(RetentionEvent::isReceipt)
                .extracting(e -> e.receipt().getReason()).containsExactly(DeletionReason.POLICY_CHANGE);
        assertThat(held.approximateNumEntries()).as("parked under its account").isEqualTo(1);

        v2.resetForwards();
        holds.delete("acct-7|h1");
        p2.sweep(NOW.plusSeconds(120).toEpochMilli());
        assertThat(billingTombstones(v2)).containsExactly("pbx1:1");
        assertThat(v2.forwarded()).map(f -> f.record().value()).filteredOn(RetentionEvent::isReceipt)
                .extracting(e -> e.receipt().getReason()).containsExactly(DeletionReason.HOLD_RELEASED);
        assertThat(held.approximateNumEntries()).isZero();
    }

    /**
     * A shorter analytics window (issue 14): on the next sweep the analytics records it puts in the
     * past go, as POLICY_CHANGE; later ones go as WINDOW_CLOSED when the new window closes.
     */
    @Test
    void shouldApplyAShorterAnalyticsWindowOnTheNextSweep() {
        RetentionPolicy v1Policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 180d, analytics: 90d}\n", "t");
        MockProcessorContext<String, RetentionEvent> v1 = start(v1Policy);
        RetentionProcessor p1 = processor(v1Policy, v1);
        p1.process(arrival("pbx1:1", billing("pbx1:1", NOW.minus(Duration.ofDays(40))), NOW.toEpochMilli()));
        p1.process(arrival("pbx1:2", billing("pbx1:2", NOW.minus(Duration.ofDays(20))), NOW.toEpochMilli()));
        p1.sweep(NOW.toEpochMilli());

        RetentionPolicy v2Policy = RetentionPolicy.parse("version: 2\nwindows: {billing: 180d, analytics: 30d}\n", "t");
        MockProcessorContext<String, RetentionEvent> v2 = start(v2Policy);
        RetentionProcessor p2 = processor(v2Policy, v2);
        p2.sweep(NOW.plusSeconds(60).toEpochMilli());
        assertThat(v2.forwarded()).map(f -> f.record().value()).filteredOn(e -> e.isReceipt())
                .extracting(e -> e.receipt().getDataClass() + "/" + e.receipt().getReason())
                .containsExactly("ANALYTICS/POLICY_CHANGE");
        v2.resetForwards();
        p2.sweep(NOW.plus(Duration.ofDays(11)).toEpochMilli());
        assertThat(v2.forwarded()).map(f -> f.record().value()).filteredOn(e -> e.isReceipt())
                .extracting(e -> e.receipt().getDataClass() + "/" + e.receipt().getReason() + "/" + e.receipt().getWindowClose())
                .containsExactly("ANALYTICS/WINDOW_CLOSED/" + NOW.minus(Duration.ofDays(20)).plus(Duration.ofDays(30)));
        assertThat(billingTombstones(v2)).isEmpty();
    }

    /**
     * A record of an erased subject that arrives later is billed but never reaches analytics, so
     * its entry owes no analytics deletion; another subject's record arriving at the same time does.
     */
    @Test
    void shouldOweNoAnalyticsDeletionForALateRecordOfAnErasedSubject() {
        KeyValueStore<String, byte[]> holds = memory(ControlMirrors.HOLDS_STORE);
        KeyValueStore<String, byte[]> erasures = memory(ControlMirrors.ERASURES_STORE);
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 180d, analytics: 30d}\n", "t");
        MockProcessorContext<String, RetentionEvent> ctx = start(policy, holds, erasures);
        RetentionProcessor p = processor(policy, ctx);
        String token = new Pseudonymizer(keys, new NumberFacts(10)).accountTokens("acct-gone").values().iterator().next();
        erasures.put(token, new io.cdrpipeline.serde.AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema())
                .encode(ErasureRequest.newBuilder().setRequestId("r-9").setSubjectKind(SubjectKind.ACCOUNT)
                        .setKeyEpoch("t").setRequestedAt(NOW).build()));
        p.sweep(NOW.toEpochMilli());                     // the request is carried out (nothing to delete yet)
        ctx.resetForwards();
        // Both arrive a second after the request was filed: new CDRs, billed.
        p.process(arrival("pbx1:late", billingOf("pbx1:late", "acct-gone", NOW.minus(Duration.ofDays(1))),
                NOW.plusSeconds(1).toEpochMilli()));
        p.process(arrival("pbx1:other", billingOf("pbx1:other", "acct-here", NOW.minus(Duration.ofDays(1))),
                NOW.plusSeconds(1).toEpochMilli()));
        p.sweep(NOW.plus(Duration.ofDays(30)).toEpochMilli());
        assertThat(ctx.forwarded()).map(f -> f.record().value()).filteredOn(e -> e.isTombstoneFor(DataClass.ANALYTICS))
                .as("only the other subject's analytics record existed").hasSize(1);
        assertThat(billingTombstones(ctx)).isEmpty();
    }

    /**
     * The sweep budget (issue 14): with 10 expired records and a budget of 3 entries per step, each
     * step stays within it; the catch-up punctuator runs further steps only while the sweep is behind,
     * and does nothing once the backlog is drained.
     */
    @Test
    void shouldDrainABacklogInStepsOfTheBudgetAndStopCatchingUpWhenDone() {
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nsweep-max-records: 3\nwindows: {billing: 30d, analytics: 10d}\n", "t");
        MockProcessorContext<String, RetentionEvent> ctx = start(policy);
        RetentionProcessor p = processor(policy, ctx);
        p.sweep(NOW.toEpochMilli());
        for (int i = 0; i < 10; i++) {
            p.process(arrival("pbx1:" + i, billing("pbx1:" + i, NOW.minus(Duration.ofDays(20)).plusSeconds(i)),
                    NOW.toEpochMilli()));
        }
        var catchUp = ctx.scheduledPunctuators().get(1).getPunctuator();
        int analytics = 0;
        int steps = 0;
        ctx.resetForwards();
        p.sweep(NOW.plusSeconds(60).toEpochMilli());
        while (steps < 20) {
            long deleted = ctx.forwarded().stream().filter(f -> f.record().value().isTombstoneFor(DataClass.ANALYTICS)).count();
            assertThat(deleted).as("step %d within the budget", steps).isLessThanOrEqualTo(3);
            analytics += deleted;
            steps++;
            ctx.resetForwards();
            catchUp.punctuate(NOW.plusSeconds(61 + steps).toEpochMilli());
            if (ctx.forwarded().isEmpty()) {
                break;   // not behind: the catch-up punctuator did not sweep (not even a keep-alive)
            }
        }
        assertThat(analytics).as("every analytics record once").isEqualTo(10);
        assertThat(steps).isBetween(4, 6);
        assertThat(billingTombstones(ctx)).isEmpty();
    }

    private static BillingRecord billingOf(String id, String account, Instant end) {
        BillingRecord b = billing(id, end);
        b.setAccount(account);
        return b;
    }

    private static List<String> billingTombstones(MockProcessorContext<String, RetentionEvent> ctx) {
        return ctx.forwarded().stream().filter(f -> f.record().value().isTombstoneFor(DataClass.BILLING))
                .map(f -> (String) f.record().key()).toList();
    }

    @Test
    void shouldRebuildTheLocalSubjectIndexWhenItDoesNotMatchTheLoggedState() {
        KeyValueStore<String, byte[]> holds = memory(ControlMirrors.HOLDS_STORE);
        KeyValueStore<String, byte[]> erasures = memory(ControlMirrors.ERASURES_STORE);
        MockProcessorContext<String, RetentionEvent> first = start(policy(1, "180d"), holds, erasures);
        processor(policy(1, "180d"), first)
                .process(arrival("pbx1:1", billing("pbx1:1", NOW.minus(Duration.ofDays(3))), NOW.toEpochMilli()));

        // The task moves to a state directory without the subject index (it has no changelog);
        // the expiry index and the meta store come back from theirs.
        subjects = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(SubjectIndex.STORE), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        String token = new Pseudonymizer(keys, new NumberFacts(10)).accountTokens("acct-7").values().iterator().next();
        erasures.put(token, new io.cdrpipeline.serde.AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema())
                .encode(ErasureRequest.newBuilder().setRequestId("r-1").setSubjectKind(SubjectKind.ACCOUNT)
                        .setKeyEpoch("t").setRequestedAt(NOW).build()));
        MockProcessorContext<String, RetentionEvent> second = start(policy(1, "180d"), holds, erasures);
        processor(policy(1, "180d"), second).sweep(NOW.plusSeconds(60).toEpochMilli());

        assertThat(second.forwarded()).filteredOn(f -> f.record().value().isReceipt())
                .extracting(f -> f.record().value().receipt().getReason(), f -> f.record().value().receipt().getDataClass())
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(DeletionReason.ERASURE_REQUEST, DataClass.ANALYTICS),
                        org.assertj.core.groups.Tuple.tuple(DeletionReason.ERASURE_REQUEST, DataClass.BILLING));
        assertThat(index.approximateNumEntries()).isZero();
    }

    /**
     * An erasure larger than the sweep budget (issue 14): carried out in bounded steps, each record
     * deleted once, and the request marked done only when its last record went — a second request of
     * the same subject (another id) is carried out again, a replay of the same one is not.
     */
    @Test
    void shouldCarryOutALargeErasureInBoundedStepsEachRecordOnce() {
        KeyValueStore<String, byte[]> holds = memory(ControlMirrors.HOLDS_STORE);
        KeyValueStore<String, byte[]> erasures = memory(ControlMirrors.ERASURES_STORE);
        RetentionPolicy policy = policy(1, "180d", 3);
        MockProcessorContext<String, RetentionEvent> ctx = start(policy, holds, erasures);
        RetentionProcessor p = processor(policy, ctx);
        for (int i = 1; i <= 7; i++) {
            p.process(arrival("pbx1:" + i, billing("pbx1:" + i, NOW.minus(Duration.ofDays(3)).plusSeconds(i)),
                    NOW.toEpochMilli()));
        }
        String token = new Pseudonymizer(keys, new NumberFacts(10)).accountTokens("acct-7").values().iterator().next();
        var serde = new io.cdrpipeline.serde.AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
        erasures.put(token, serde.encode(ErasureRequest.newBuilder().setRequestId("r-1").setSubjectKind(SubjectKind.ACCOUNT)
                .setKeyEpoch("t").setRequestedAt(NOW).build()));
        List<Integer> perStep = new ArrayList<>();
        for (int step = 0; step < 12; step++) {
            ctx.resetForwards();
            p.sweep(NOW.plusSeconds(60 + step).toEpochMilli());
            perStep.add(billingTombstones(ctx).size());
        }
        assertThat(perStep.stream().mapToInt(Integer::intValue).sum()).as("each record once").isEqualTo(7);
        // Erasures take at most half of a step's budget: the window cursors keep the rest (issue 21).
        assertThat(perStep).as("no step over its share of the budget").allMatch(n -> n <= 1);
        assertThat(perStep.subList(8, 12)).as("done: nothing more").containsOnly(0);
        assertThat(index.approximateNumEntries()).isZero();
        // The same request again changes nothing; a new request of the subject is a new one (nothing left to do).
        ctx.resetForwards();
        p.sweep(NOW.plusSeconds(120).toEpochMilli());
        assertThat(billingTombstones(ctx)).isEmpty();
    }

    /**
     * A state directory whose subject index does not match (here: a task that has indexed 60,000 CDRs
     * and then loses its unlogged subject index, as a new instance would): the index is rebuilt in
     * bounded steps, one per sweep — never all in one transaction, which a large index would make
     * outlive the transaction timeout (issue 10: a fencing loop after restore) — and an erasure
     * request waits until it is complete, then deletes every record of the subject once.
     */
    @Test
    void shouldRebuildAStaleSubjectIndexInBoundedStepsBeforeErasing() {
        KeyValueStore<String, byte[]> holds = memory(ControlMirrors.HOLDS_STORE);
        KeyValueStore<String, byte[]> erasures = memory(ControlMirrors.ERASURES_STORE);
        RetentionPolicy policy = policy(1, "180d", 10_000);
        MockProcessorContext<String, RetentionEvent> ctx = start(policy, holds, erasures);
        RetentionProcessor first = processor(policy, ctx);
        int n = 60_000;
        for (int i = 1; i <= n; i++) {
            first.process(arrival("pbx1:" + i, billing("pbx1:" + i, NOW.minus(Duration.ofDays(3)).plusMillis(i)),
                    NOW.toEpochMilli()));
        }
        first.sweep(NOW.plusSeconds(1).toEpochMilli());
        // The unlogged subject index is lost; the expiry index (logged) and the meta store remain.
        try (var it = subjects.all()) {
            List<Bytes> keys = new ArrayList<>();
            it.forEachRemaining(kv -> keys.add(kv.key));
            keys.forEach(subjects::delete);
        }
        String token = new Pseudonymizer(keys, new NumberFacts(10)).accountTokens("acct-7").values().iterator().next();
        var serde = new io.cdrpipeline.serde.AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
        erasures.put(token, serde.encode(ErasureRequest.newBuilder().setRequestId("r-1").setSubjectKind(SubjectKind.ACCOUNT)
                .setKeyEpoch("t").setRequestedAt(NOW).build()));
        RetentionProcessor second = processor(policy, ctx);
        List<Integer> perStep = new ArrayList<>();
        List<Long> subjectKeys = new ArrayList<>();
        for (int step = 0; step < 20; step++) {
            ctx.resetForwards();
            second.sweep(NOW.plusSeconds(60 + step).toEpochMilli());
            perStep.add(billingTombstones(ctx).size());
            subjectKeys.add(subjects.approximateNumEntries());
        }
        assertThat(perStep.get(0)).as("nothing erased while the index is being rebuilt").isZero();
        assertThat(subjectKeys.get(0)).as("one step rebuilt only part of it").isPositive()
                .isLessThan(subjectKeys.stream().mapToLong(Long::longValue).max().orElseThrow());
        assertThat(perStep.stream().mapToInt(Integer::intValue).sum()).as("every record of the subject once").isEqualTo(n);
    }

    /**
     * Records arriving behind both cursors (issue 14): one is deleted from analytics and billing as it
     * is written; one of a held account loses its analytics record but is parked for billing, and
     * goes (HOLD_RELEASED) when the hold ends, its entry leaving the index.
     */
    @Test
    void shouldDeleteOrParkARecordThatArrivesBehindBothCursors() {
        KeyValueStore<String, byte[]> holds = memory(ControlMirrors.HOLDS_STORE);
        KeyValueStore<String, byte[]> erasures = memory(ControlMirrors.ERASURES_STORE);
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 30d, analytics: 10d}\n", "t");
        MockProcessorContext<String, RetentionEvent> ctx = start(policy, holds, erasures);
        RetentionProcessor p = processor(policy, ctx);
        p.process(arrival("pbx1:1", billing("pbx1:1", NOW.minus(Duration.ofDays(5))), NOW.toEpochMilli()));
        p.sweep(NOW.toEpochMilli());
        holds.put("acct-held|h1", new byte[] {1});
        ctx.resetForwards();
        p.process(arrival("pbx1:late", billingOf("pbx1:late", "acct-free", NOW.minus(Duration.ofDays(40))),
                NOW.toEpochMilli()));
        p.process(arrival("pbx1:kept", billingOf("pbx1:kept", "acct-held", NOW.minus(Duration.ofDays(40))),
                NOW.toEpochMilli()));
        assertThat(ctx.forwarded()).map(f -> f.record().value()).filteredOn(e -> e.isTombstoneFor(DataClass.ANALYTICS))
                .hasSize(2);
        assertThat(billingTombstones(ctx)).containsExactly("pbx1:late");
        assertThat(held.approximateNumEntries()).isEqualTo(1);
        assertThat(index.approximateNumEntries()).as("pbx1:1 and the parked pbx1:kept").isEqualTo(2);

        ctx.resetForwards();
        holds.delete("acct-held|h1");
        p.sweep(NOW.plusSeconds(60).toEpochMilli());
        assertThat(billingTombstones(ctx)).containsExactly("pbx1:kept");
        assertThat(index.approximateNumEntries()).isEqualTo(1);
    }

    /**
     * A parked record whose analytics record is still kept (issue 14): the release deletes its billing
     * record and keeps the entry for the analytics deletion to come.
     */
    @Test
    void shouldKeepTheEntryOfAReleasedRecordWhoseAnalyticsRecordIsStillKept() {
        KeyValueStore<String, byte[]> holds = memory(ControlMirrors.HOLDS_STORE);
        KeyValueStore<String, byte[]> erasures = memory(ControlMirrors.ERASURES_STORE);
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 30d, analytics: 365d}\n", "t");
        MockProcessorContext<String, RetentionEvent> ctx = start(policy, holds, erasures);
        RetentionProcessor p = processor(policy, ctx);
        holds.put("acct-7|h1", new byte[] {1});
        p.process(arrival("pbx1:1", billing("pbx1:1", NOW.minus(Duration.ofDays(40))), NOW.toEpochMilli()));
        p.sweep(NOW.toEpochMilli());
        assertThat(billingTombstones(ctx)).isEmpty();
        holds.delete("acct-7|h1");
        ctx.resetForwards();
        p.sweep(NOW.plusSeconds(60).toEpochMilli());
        assertThat(billingTombstones(ctx)).containsExactly("pbx1:1");
        assertThat(index.approximateNumEntries()).as("the analytics record is kept 365 days").isEqualTo(1);
        ctx.resetForwards();
        p.sweep(NOW.plus(Duration.ofDays(330)).toEpochMilli());
        assertThat(ctx.forwarded()).map(f -> f.record().value()).filteredOn(e -> e.isTombstoneFor(DataClass.ANALYTICS))
                .hasSize(1);
        assertThat(billingTombstones(ctx)).as("billing is not deleted twice").isEmpty();
        assertThat(index.approximateNumEntries()).isZero();
    }

    /**
     * A parked record meets a policy change (issue 14): a longer billing window unparks it (its window
     * is open again), a shorter analytics window deletes its analytics record (POLICY_CHANGE); when
     * the new billing window closes under the same hold it is parked again, and the release deletes it.
     */
    @Test
    void shouldUnparkAndReparkAParkedRecordAcrossAPolicyChange() {
        KeyValueStore<String, byte[]> holds = memory(ControlMirrors.HOLDS_STORE);
        KeyValueStore<String, byte[]> erasures = memory(ControlMirrors.ERASURES_STORE);
        RetentionPolicy v1Policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 30d, analytics: 365d}\n", "t");
        MockProcessorContext<String, RetentionEvent> v1 = start(v1Policy, holds, erasures);
        RetentionProcessor p1 = processor(v1Policy, v1);
        holds.put("acct-7|h1", new byte[] {1});
        Instant end = NOW.minus(Duration.ofDays(40));
        p1.process(arrival("pbx1:1", billing("pbx1:1", end), NOW.toEpochMilli()));
        p1.sweep(NOW.toEpochMilli());
        assertThat(held.approximateNumEntries()).as("parked under v1").isEqualTo(1);

        RetentionPolicy v2Policy = RetentionPolicy.parse("version: 2\nwindows: {billing: 90d, analytics: 35d}\n", "t");
        MockProcessorContext<String, RetentionEvent> v2 = start(v2Policy, holds, erasures);
        RetentionProcessor p2 = processor(v2Policy, v2);
        p2.sweep(NOW.plusSeconds(60).toEpochMilli());
        assertThat(held.approximateNumEntries()).as("its billing window is open again").isZero();
        assertThat(billingTombstones(v2)).isEmpty();
        assertThat(v2.forwarded()).map(f -> f.record().value()).filteredOn(RetentionEvent::isReceipt)
                .extracting(e -> e.receipt().getDataClass() + "/" + e.receipt().getReason())
                .containsExactly("ANALYTICS/POLICY_CHANGE");

        v2.resetForwards();
        p2.sweep(end.plus(Duration.ofDays(91)).toEpochMilli());
        assertThat(billingTombstones(v2)).as("still held").isEmpty();
        assertThat(held.approximateNumEntries()).isEqualTo(1);
        holds.delete("acct-7|h1");
        p2.sweep(end.plus(Duration.ofDays(91)).plusSeconds(60).toEpochMilli());
        assertThat(billingTombstones(v2)).containsExactly("pbx1:1");
        assertThat(index.approximateNumEntries()).isZero();
    }

    @Test
    void shouldDeleteACdrThatArrivesBehindTheSweepAsItIsWritten() {
        MockProcessorContext<String, RetentionEvent> ctx = start(policy(1, "30d"));
        RetentionProcessor p = processor(policy(1, "30d"), ctx);
        p.process(arrival("pbx1:1", billing("pbx1:1", NOW.minus(Duration.ofDays(10))), NOW.toEpochMilli()));
        p.sweep(NOW.toEpochMilli());          // the class's cursors pass everything that closed before now
        assertThat(ctx.forwarded()).allSatisfy(f -> assertThat(f.record().value().isKeepAlive()).isTrue());
        ctx.resetForwards();
        p.process(arrival("pbx1:9", billing("pbx1:9", NOW.minus(Duration.ofDays(40))), NOW.toEpochMilli()));

        assertThat(ctx.forwarded()).filteredOn(f -> f.record().value().isTombstoneFor(DataClass.BILLING))
                .extracting(f -> (Object) f.record().key()).containsExactly("pbx1:9");
        assertThat(ctx.forwarded()).filteredOn(f -> f.record().value().isReceipt()).singleElement()
                .satisfies(f -> assertThat(f.record().value().receipt().getArrivedAfterClose()).isTrue());
        assertThat(index.approximateNumEntries()).as("both entries stay: analytics records are kept 365 days").isEqualTo(2);
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

    private static KeyValueStore<String, byte[]> memory(String name) {
        return Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
    }

    private MockProcessorContext<String, RetentionEvent> start(RetentionPolicy policy,
            KeyValueStore<String, byte[]> holds, KeyValueStore<String, byte[]> erasures) {
        MockProcessorContext<String, RetentionEvent> ctx = new MockProcessorContext<>();
        ctx.setCurrentSystemTimeMs(NOW.toEpochMilli());
        for (KeyValueStore<Bytes, byte[]> s : List.of(index, subjects, held, ledger)) {
            s.init(ctx.getStateStoreContext(), s);
        }
        meta.init(ctx.getStateStoreContext(), meta);
        holds.init(ctx.getStateStoreContext(), holds);
        erasures.init(ctx.getStateStoreContext(), erasures);
        subjectsNow = new ControlMirrors(holds, erasures);
        return ctx;
    }

    /** With no hold and no erasure request. */
    private MockProcessorContext<String, RetentionEvent> start(RetentionPolicy policy) {
        return start(policy, memory(ControlMirrors.HOLDS_STORE), memory(ControlMirrors.ERASURES_STORE));
    }

    private RetentionProcessor processor(RetentionPolicy policy, MockProcessorContext<String, RetentionEvent> ctx) {
        RetentionProcessor p = new RetentionProcessor(policy, new RetentionMetrics(), "cdr.billing", "cdr.analytics",
                AuditKey.of(keys), new io.cdrpipeline.state.PurgeableStoreRegistry());
        p.init(ctx);
        return p;
    }

    /** A billing record arriving at {@code timestamp}, decided as the topology decides it. */
    private Record<String, Arrival> arrival(String key, BillingRecord b, long timestamp) {
        return new Record<>(key, Arrival.decide(b, new Pseudonymizer(keys, new NumberFacts(10)), subjectsNow), timestamp);
    }

    private static RetentionPolicy policy(int version, String billing) {
        return RetentionPolicy.parse("version: " + version + "\nwindows: {billing: " + billing + ", analytics: 365d}\n", "t");
    }

    private static RetentionPolicy policy(int version, String billing, int sweepMax) {
        return RetentionPolicy.parse("version: " + version + "\nsweep-max-records: " + sweepMax
                + "\nwindows: {billing: " + billing + ", analytics: 365d}\n", "t");
    }

    private static BillingRecord billing(String id, Instant end) {
        return BillingRecord.newBuilder().setRecordId(id).setSource("pbx1").setAccount("acct-7")
                .setCalling(new PartyNumber("201", NumberType.EXTENSION, "201", null)).setCalled(new PartyNumber("+493012345678", NumberType.E164, "+493012345678", null))
                .setStartTime(end.minusSeconds(60)).setEndTime(end).setDurationSeconds(60).setBillableSeconds(55)
                .setDisposition(Disposition.ANSWERED).setLegRole(LegRole.ORIGINATING).build();
    }
}
