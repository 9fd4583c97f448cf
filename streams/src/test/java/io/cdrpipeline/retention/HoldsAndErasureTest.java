package io.cdrpipeline.retention;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.schema.LegalHold;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.SubjectKind;
import io.cdrpipeline.serde.AvroSerde;
import io.cdrpipeline.topology.IngestMetrics;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Legal holds and subject erasure through the whole topology, wall-clock time advanced by hand. */
class HoldsAndErasureTest {

    private static final Duration SWEEP = Duration.ofMinutes(1);

    private static final String SUBJECT = "+493012345678";
    private final Instant start = Instant.now();
    /** The driver's wall clock: CDRs arrive, and requests are filed, at the time it shows. */
    private Instant clock = start;
    /** Two key epochs: calls that started more than three minutes before the test are under e1, later ones e2. */
    private final KeyRing keys = new KeyRing(List.of(
            new KeyEpoch("e1", Instant.EPOCH, "holds-and-erasure-key-one-0123456".getBytes(StandardCharsets.US_ASCII)),
            new KeyEpoch("e2", start.minus(Duration.ofMinutes(3)),
                    "holds-and-erasure-key-two-0123456".getBytes(StandardCharsets.US_ASCII))));
    private final IngestMetrics ingest = new IngestMetrics();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestInputTopic<String, byte[]> holds;
    private TestInputTopic<String, byte[]> erasures;
    private TestOutputTopic<String, BillingRecord> billing;
    private TestOutputTopic<String, AnalyticsRecord> analytics;
    private TestOutputTopic<String, AuditReceipt> audit;
    private final Map<String, String> analyticsKeys = new HashMap<>();

    @BeforeEach
    void open() {
        PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", "unused:9092", "source.pbx1.region", "DE", "source.pbx1.zone", "UTC"));
        Properties props = PipelineApp.streamsProperties(config);
        props.put("state.dir", System.getProperty("java.io.tmpdir") + "/holds-" + System.nanoTime());
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nsweep-interval: 1m\nwindows: {billing: 10m, analytics: 30m}\n", "t");
        driver = new TopologyTestDriver(Pipelines.topology(config, keys, policy, ingest, new RetentionMetrics()), props, start);
        raw = driver.createInputTopic("cdr.raw", new ByteArraySerializer(), new ByteArraySerializer());
        holds = driver.createInputTopic("cdr.legal-holds", new StringSerializer(), new ByteArraySerializer());
        erasures = driver.createInputTopic("cdr.erasure-requests", new StringSerializer(), new ByteArraySerializer());
        billing = driver.createOutputTopic("cdr.billing", new StringDeserializer(), Topics.billingSerde().deserializer());
        analytics = driver.createOutputTopic("cdr.analytics", new StringDeserializer(), Topics.analyticsSerde().deserializer());
        audit = driver.createOutputTopic("cdr.audit", new StringDeserializer(), Topics.auditSerde().deserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    @Test
    void shouldDeferBillingDeletionWhileHeldAndDeleteOnRelease() {
        hold("acct-7", "dispute-1");
        String held = ingest("1", "acct-7", "03012345678");
        String free = ingest("2", "acct-8", "03012345678");
        drainOutputs();

        minutes(11);                                           // billing windows have closed
        assertThat(tombstones(billing)).containsExactly(free);
        assertThat(audit.readValuesToList()).extracting(AuditReceipt::getDataClass).containsExactly(DataClass.BILLING);

        holds.pipeInput("acct-7|dispute-1", null);             // release
        minutes(1);
        assertThat(tombstones(billing)).containsExactly(held);
        AuditReceipt r = audit.readValue();
        assertThat(r.getReason()).as("deleted because the hold was released").isEqualTo(DeletionReason.HOLD_RELEASED);
        assertThat(r.getWindowClose().toEpochMilli() % SWEEP.toMillis()).as("rounded to the sweep step").isZero();
        assertThat(r.getEmittedAt().toEpochMilli() % SWEEP.toMillis()).isZero();
        assertThat(Duration.between(r.getWindowClose(), r.getEmittedAt())).isGreaterThan(Duration.ofMinutes(1));

        minutes(20);                                           // analytics windows close; nothing held there
        assertThat(tombstones(analytics)).containsExactlyInAnyOrder(analyticsKey(held), analyticsKey(free));
        assertThat(storeSize(HeldIndex.STORE)).isZero();
    }

    @Test
    void shouldEraseASubjectAtOnceEverywhereAndKeepItErased() {
        String a = ingest("1", "acct-7", "03012345678");       // the subject is called
        String b = ingest("2", "acct-8", "0301234567899");     // someone else (an unknown number)
        drainOutputs();

        erase(SUBJECT, "req-1");
        minutes(1);
        assertThat(tombstones(billing)).containsExactly(a);
        assertThat(tombstones(analytics)).containsExactly(analyticsKey(a));
        assertThat(audit.readValuesToList()).extracting(AuditReceipt::getReason)
                .containsOnly(DeletionReason.ERASURE_REQUEST).hasSize(2);

        String late = ingest("3", "acct-9", "03012345678");    // a late CDR of the erased subject
        assertThat(Outputs.all(billing)).extracting(TestRecord::key).containsExactly(late);
        assertThat(Outputs.none(analytics)).as("not resurrected in analytics").isTrue();
        assertThat(ingest.erasedSuppressed()).isEqualTo(1);
        assertThat(b).isNotEqualTo(a);
    }

    @Test
    void shouldEraseAnalyticsAtOnceButKeepHeldBillingUntilReleaseOrWindowWhicheverIsLater() {
        hold("acct-7", "court-order");
        String a = ingest("1", "acct-7", "03012345678");
        drainOutputs();

        erase(SUBJECT, "req-2");
        minutes(1);
        assertThat(tombstones(analytics)).containsExactly(analyticsKey(a));
        assertThat(Outputs.none(billing)).isTrue();

        holds.pipeInput("acct-7|court-order", null);           // released before the window closes
        minutes(5);
        assertThat(Outputs.none(billing)).as("window still open").isTrue();
        minutes(6);
        assertThat(tombstones(billing)).containsExactly(a);
    }

    @Test
    void shouldEraseAnExtensionOfItsOwnSwitch() {
        String a = ingest("1", "acct-7", "03012345678");        // both calls come from extension 201 of pbx1
        String b = ingest("2", "acct-8", "03098765432");
        drainOutputs();

        AvroSerde<ErasureRequest> serde = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
        Pseudonymizer p = new Pseudonymizer(keys, new NumberFacts(10));
        // The same extension on another switch is someone else: its token must match nothing here.
        p.localPartyTokens(NumberType.EXTENSION, "pbx2", "201").forEach((epoch, token) -> erasures.pipeInput(token,
                serde.encode(ErasureRequest.newBuilder().setRequestId("req-x").setSubjectKind(SubjectKind.EXTENSION)
                        .setKeyEpoch(epoch).setRequestedAt(start).build())));
        minutes(1);
        assertThat(Outputs.none(billing)).isTrue();

        p.localPartyTokens(NumberType.EXTENSION, "pbx1", "201").forEach((epoch, token) -> erasures.pipeInput(token,
                serde.encode(ErasureRequest.newBuilder().setRequestId("req-3").setSubjectKind(SubjectKind.EXTENSION)
                        .setKeyEpoch(epoch).setRequestedAt(start).build())));
        minutes(1);
        assertThat(tombstones(billing)).containsExactlyInAnyOrder(a, b);
        assertThat(tombstones(analytics)).containsExactlyInAnyOrder(analyticsKey(a), analyticsKey(b));
    }

    @Test
    void shouldKeepAnAccountHeldUntilItsLastHoldIsReleased() {
        hold("acct-7", "dispute-1");
        hold("acct-7", "court-order-9");
        String held = ingest("1", "acct-7", "03012345678");
        drainOutputs();
        minutes(11);
        assertThat(Outputs.none(billing)).as("held twice").isTrue();
        holds.pipeInput("acct-7|dispute-1", null);
        minutes(2);
        assertThat(Outputs.none(billing)).as("one hold is left").isTrue();
        holds.pipeInput("acct-7|court-order-9", null);
        minutes(1);
        assertThat(tombstones(billing)).containsExactly(held);
        assertThat(audit.readValuesToList()).filteredOn(r -> r.getDataClass() == DataClass.BILLING)
                .extracting(AuditReceipt::getReason).containsExactly(DeletionReason.HOLD_RELEASED);
    }

    @Test
    void shouldEraseAnAccountAndACallingPartyUnderEveryKeyEpoch() {
        Instant early = Instant.now().minus(Duration.ofMinutes(5));    // started under e1
        String underE1 = ingest("1", "acct-7", "201", "03099999999", early);
        String underE2 = ingest("2", "acct-7", "201", "03099999998", Instant.now().minusSeconds(30));
        String callerE1 = ingest("3", "acct-8", "03012345678", "202", early);
        String callerE2 = ingest("4", "acct-8", "03012345678", "203", Instant.now().minusSeconds(30));
        String other = ingest("5", "acct-9", "204", "03099999997", Instant.now().minusSeconds(30));
        List<AnalyticsRecord> written = drainOutputs();
        assertThat(written).extracting(AnalyticsRecord::getKeyEpoch).containsExactlyInAnyOrder("e1", "e2", "e1", "e2", "e2");

        AvroSerde<ErasureRequest> serde = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
        new Pseudonymizer(keys, new NumberFacts(10)).accountTokens("acct-7").forEach((epoch, token) ->
                erasures.pipeInput(token, serde.encode(ErasureRequest.newBuilder().setRequestId("req-acct")
                        .setSubjectKind(SubjectKind.ACCOUNT).setKeyEpoch(epoch).setRequestedAt(start).build())));
        erase(SUBJECT, "req-caller");                                   // the calling party of 3 and 4
        minutes(1);
        assertThat(tombstones(billing)).containsExactlyInAnyOrder(underE1, underE2, callerE1, callerE2)
                .doesNotContain(other);
        assertThat(tombstones(analytics)).containsExactlyInAnyOrder(analyticsKey(underE1), analyticsKey(underE2),
                analyticsKey(callerE1), analyticsKey(callerE2));
    }

    private void hold(String account, String id) {
        holds.pipeInput(account + "|" + id, new AvroSerde<>(LegalHold.class, LegalHold.getClassSchema()).encode(
                LegalHold.newBuilder().setHoldId(id).setAccount(account).setReasonCode(io.cdrpipeline.schema.HoldReason.BILLING_DISPUTE).setPlacedAt(start).build()));
    }

    private void erase(String e164, String requestId) {
        AvroSerde<ErasureRequest> serde = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
        new Pseudonymizer(keys, new NumberFacts(10)).numberTokens(e164).forEach((epoch, token) ->
                erasures.pipeInput(token, serde.encode(ErasureRequest.newBuilder().setRequestId(requestId)
                        .setSubjectKind(SubjectKind.NUMBER).setKeyEpoch(epoch).setRequestedAt(clock).build())));
    }

    private String ingest(String id, String account, String called) {
        return ingest(id, account, "201", called, Instant.now().minusSeconds(30));
    }

    private String ingest(String id, String account, String calling, String called, Instant end) {
        Instant begin = end.minusSeconds(65);
        String line = String.join(",", "\"" + account + "\"", "\"" + calling + "\"", "\"" + called + "\"", "\"from-internal\"", "\"x\"",
                "\"PJSIP/201-1\"", "\"PJSIP/out-1\"", "\"Dial\"", "\"y\"", "\"" + stamp(begin) + "\"",
                "\"" + stamp(begin.plusSeconds(5)) + "\"", "\"" + stamp(end) + "\"", "65", "60", "\"ANSWERED\"",
                "\"BILLING\"", "\"1714557600." + id + "\"", "\"\"",
                "\"\"", "\"1714557600." + id + "\"", "1");   // newcdrcolumns: the CDR's sequence makes its id
        RecordHeaders h = new RecordHeaders();
        h.add("cdr.format", "asterisk-csv".getBytes(StandardCharsets.UTF_8));
        h.add("cdr.source", "pbx1".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>("pbx1".getBytes(), line.getBytes(StandardCharsets.UTF_8), h, clock));
        return "pbx1:1714557600." + id + ":1";
    }

    /**
     * Reads what the pipeline wrote and remembers each billing record's analytics key: the
     * pseudonymous id derived from its record id, which must be among the analytics records written.
     */
    private List<AnalyticsRecord> drainOutputs() {
        List<TestRecord<String, BillingRecord>> billed = Outputs.all(billing);
        List<TestRecord<String, AnalyticsRecord>> analysed = Outputs.all(analytics);
        Pseudonymizer p = new Pseudonymizer(keys, new NumberFacts(10));
        for (TestRecord<String, BillingRecord> r : billed) {
            String id = p.derive(r.value()).pseudoRecordId();
            assertThat(analysed).extracting(TestRecord::key).as("the analytics record of %s", r.key()).contains(id);
            analyticsKeys.put(r.key(), id);
        }
        return analysed.stream().map(TestRecord::value).toList();
    }

    /** The analytics key of the record billed under {@code billingKey}. */
    private String analyticsKey(String billingKey) {
        return Objects.requireNonNull(analyticsKeys.get(billingKey), billingKey + " was not billed and analysed");
    }

    private static <V> List<String> tombstones(TestOutputTopic<String, V> topic) {
        List<TestRecord<String, V>> records = Outputs.all(topic);
        assertThat(records).allMatch(r -> r.value() == null);
        return records.stream().map(TestRecord::key).toList();
    }

    private long storeSize(String name) {
        KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(name);
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                if (!it.next().key.equals(SubjectIndex.GENERATION)) {   // the generation mark is no record's
                    n++;
                }
            }
        }
        return n;
    }

    private void minutes(int n) {
        for (int i = 0; i < n; i++) {
            driver.advanceWallClockTime(Duration.ofMinutes(1));
            clock = clock.plus(Duration.ofMinutes(1));
        }
    }

    private static String stamp(Instant i) {
        return i.toString().substring(0, 19).replace('T', ' ');
    }
}
