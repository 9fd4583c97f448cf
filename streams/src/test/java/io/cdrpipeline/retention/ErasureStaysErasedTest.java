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
import io.cdrpipeline.schema.HoldReason;
import io.cdrpipeline.schema.LegalHold;
import io.cdrpipeline.schema.SubjectKind;
import io.cdrpipeline.serde.AvroSerde;
import io.cdrpipeline.topology.IngestMetrics;
import io.cdrpipeline.topology.NumberCaches;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 21 at topology level: an erased subject stays erased whatever arrives afterwards — an
 * exact resend of an erased CDR, a resend of a CDR deleted as it arrived, a new CDR of the
 * subject — and whatever the control topics carry (bytes that are no request, a held subject with
 * more records than a sweep may touch). Wall-clock time is advanced by hand; CDRs arrive, and
 * requests are filed, at the time the driver shows.
 */
class ErasureStaysErasedTest {

    private static final String SUBJECT = "+493012345678";
    private static final AvroSerde<ErasureRequest> REQUESTS = new AvroSerde<>(ErasureRequest.class,
            ErasureRequest.getClassSchema());
    private final Instant start = Instant.now();
    private Instant clock = start;
    private final KeyRing keys = new KeyRing(List.of(
            new KeyEpoch("e1", Instant.EPOCH, "erased-stays-erased-key-one-01234".getBytes(StandardCharsets.US_ASCII)),
            new KeyEpoch("e2", start.minus(Duration.ofMinutes(3)),
                    "erased-stays-erased-key-two-01234".getBytes(StandardCharsets.US_ASCII))));
    private final IngestMetrics ingest = new IngestMetrics();
    private final RetentionMetrics retention = new RetentionMetrics();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestInputTopic<String, byte[]> holds;
    private TestInputTopic<String, byte[]> erasures;
    private TestOutputTopic<String, BillingRecord> billing;
    private TestOutputTopic<String, AnalyticsRecord> analytics;
    private TestOutputTopic<String, AuditReceipt> audit;

    private void open(String policy) {
        PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", "unused:9092", "source.pbx1.region", "DE",
                "source.pbx1.zone", "UTC"));
        RetentionPolicy p = RetentionPolicy.parse(policy, "t");
        Properties props = PipelineApp.streamsProperties(config, p);
        props.put("state.dir", System.getProperty("java.io.tmpdir") + "/erased-" + System.nanoTime());
        driver = new TopologyTestDriver(Pipelines.topology(config, keys, p, ingest, retention, NumberCaches.of(config)),
                props, start);
        raw = driver.createInputTopic("cdr.raw", new ByteArraySerializer(), new ByteArraySerializer());
        holds = driver.createInputTopic("cdr.legal-holds", new StringSerializer(), new ByteArraySerializer());
        erasures = driver.createInputTopic("cdr.erasure-requests", new StringSerializer(), new ByteArraySerializer());
        billing = driver.createOutputTopic("cdr.billing", new StringDeserializer(), Topics.billingSerde().deserializer());
        analytics = driver.createOutputTopic("cdr.analytics", new StringDeserializer(), Topics.analyticsSerde().deserializer());
        audit = driver.createOutputTopic("cdr.audit", new StringDeserializer(), Topics.auditSerde().deserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    /** Finding 1 and 2: the running pipeline gets the request; the same file again; new CDRs of the subject. */
    @Test
    void shouldNeverBillNorAnalyseAnErasedCdrAgainWhenTheSwitchResendsIt() {
        open("version: 1\nsweep-interval: 1m\nwindows: {billing: 30d, analytics: 30d}\n");
        String a = ingest("1", "acct-7", "03012345678");
        String b = ingest("2", "acct-8", "0301234567899");    // someone else
        Outputs.all(billing);
        Outputs.all(analytics);

        erase(SUBJECT, "req-1");
        minutes(1);
        assertThat(tombstones(billing)).containsExactly(a);
        assertThat(tombstones(analytics)).hasSize(1);

        // The switch resends the whole file: the erased CDR stays gone, the other is a plain duplicate.
        ingest("1", "acct-7", "03012345678");
        ingest("2", "acct-8", "0301234567899");
        assertThat(Outputs.none(billing)).as("an exact resend of an erased CDR is not billed again").isTrue();
        assertThat(Outputs.none(analytics)).as("nor analysed").isTrue();
        assertThat(ingest.duplicates()).isEqualTo(2);
        assertThat(ingest.resentAfterDeletion()).isEqualTo(1);

        // A genuinely new CDR of the subject: billed, never analysed, and counted.
        String later = ingest("3", "acct-9", "03012345678");
        assertThat(Outputs.all(billing)).extracting(TestRecord::key).containsExactly(later);
        assertThat(Outputs.none(analytics)).isTrue();
        assertThat(ingest.erasedSuppressed()).isEqualTo(1);
        minutes(2);
        assertThat(Outputs.all(billing)).as("a new CDR stays billable").isEmpty();
        assertThat(b).isNotEqualTo(a);
    }

    /**
     * A CDR that reached the pipeline before the request was filed is the subject's data at the time
     * of the request, even when the request is carried out (its scan done) before the CDR is processed:
     * it is erased as it is written.
     */
    @Test
    void shouldEraseACdrThatArrivedBeforeTheRequestEvenIfProcessedAfterIt() {
        open("version: 1\nsweep-interval: 1m\nwindows: {billing: 30d, analytics: 30d}\n");
        Instant arrivedEarlier = clock;
        minutes(1);
        erase(SUBJECT, "req-1");
        minutes(1);                                   // the request is carried out: nothing indexed yet
        String backlog = ingestAt("4", "acct-7", "03012345678", arrivedEarlier);
        List<TestRecord<String, BillingRecord>> written = Outputs.all(billing);
        assertThat(written).extracting(TestRecord::key).containsExactly(backlog, backlog);
        assertThat(written.get(1).value()).as("erased as it was written").isNull();
        assertThat(Outputs.none(analytics)).isTrue();
        assertThat(audit.readValuesToList()).extracting(AuditReceipt::getReason).containsExactly(DeletionReason.ERASURE_REQUEST);
    }

    /** A resend of a CDR whose windows had closed when it first arrived: deleted once, then dropped. */
    @Test
    void shouldDropAResendOfACdrDeletedAsItArrived() {
        open("version: 1\nsweep-interval: 1m\nwindows: {billing: 10m, analytics: 10m}\n");
        ingest("0", "acct-1", "03099999999");
        Outputs.all(billing);
        minutes(1);                                   // the class's cursors have moved: an old CDR is deleted on arrival
        Instant old = clock.minus(Duration.ofHours(2));
        String late = ingest("5", "acct-7", "201", "03012345678", old);
        assertThat(Outputs.all(billing)).extracting(r -> r.value() == null).containsExactly(false, true);
        ingest("5", "acct-7", "201", "03012345678", old);
        assertThat(Outputs.none(billing)).as("its resend is not written and deleted again").isTrue();
        assertThat(ingest.resentAfterDeletion()).isEqualTo(1);
        assertThat(late).isNotNull();
    }

    /** Finding 5: bytes that are no request (or of an unknown version) on a control topic never stop a sweep. */
    @Test
    void shouldSkipUndecodableControlRecordsAndGoOnDeleting() {
        open("version: 1\nsweep-interval: 1m\nwindows: {billing: 2m, analytics: 2m}\n");
        String a = ingest("1", "acct-7", "03012345678");
        Outputs.all(billing);
        Outputs.all(analytics);
        erasures.pipeInput("AAAAAAAAAAAAAAAAAAAAAA", "not avro at all".getBytes(StandardCharsets.UTF_8));
        erasures.pipeInput("AAAAAAAAAAAAAAAAAAAAAB", new byte[] {(byte) 0xC3, 1, 9, 9, 9, 9, 9, 9, 9, 9, 0});
        holds.pipeInput("acct-7|h1", "garbage".getBytes(StandardCharsets.UTF_8));
        erase(SUBJECT, "req-1");                      // a good request after the bad ones
        minutes(1);
        assertThat(tombstones(billing)).as("the good request is carried out").containsExactly(a);
        String b = ingest("2", "acct-8", "03099999999");
        Outputs.all(billing);
        minutes(4);
        assertThat(tombstones(billing)).as("windows go on closing").containsExactly(b);
        assertThat(retention.controlSkipped()).containsEntry(ControlMirrors.ERASURES_STORE, 2L)
                .containsEntry(ControlMirrors.HOLDS_STORE, 1L);
        // Receipts match the tombstones of the transactions that carried them.
        List<AuditReceipt> receipts = audit.readValuesToList();
        assertThat(receipts.stream().filter(r -> r.getDataClass() == DataClass.BILLING).mapToInt(AuditReceipt::getCount).sum())
                .isEqualTo(2);
    }

    /**
     * Finding 6: a held subject whose held records outnumber the sweep budget: after the erasure, the
     * window cursors still run, a second request is carried out, and the catch-up stops.
     */
    @Test
    void shouldNotLetHeldRecordsOfAnErasedSubjectStarveTheSweep() {
        open("version: 1\nsweep-interval: 1m\nsweep-max-records: 3\nwindows: {billing: 5m, analytics: 30d}\n");
        hold("acct-7", "court-1");
        for (int i = 1; i <= 5; i++) {
            ingest("1" + i, "acct-7", "03012345678");  // the subject's held records
        }
        String other = ingest("20", "acct-8", "03055555555");
        Outputs.all(billing);
        Outputs.all(analytics);
        erase(SUBJECT, "req-held");
        for (int i = 0; i < 4; i++) {
            minutes(1);
        }
        assertThat(Outputs.all(analytics).stream().filter(r -> r.value() == null).count())
                .as("the subject's analytics records go").isEqualTo(5);
        assertThat(Outputs.none(billing)).as("held billing records stay").isTrue();
        erase("+493055555555", "req-other");
        minutes(1);
        assertThat(tombstones(billing)).as("a later request is not starved").containsExactly(other);
        minutes(3);                                   // the billing windows close: held records park, nothing else
        assertThat(Outputs.none(billing)).isTrue();
        assertThat(retention.pendingErasures()).isZero();
        assertThat(retention.tasksBehind()).as("no catch-up loop").isZero();
    }

    /**
     * Finding 3: a billing record outlives its key epoch's pseudonymisation key (billing 180 days,
     * analytics 90): its subject's tokens still find it, under the epoch's token key.
     */
    @Test
    void shouldEraseABillingRecordWhoseEpochNoLongerPseudonymises() {
        open("version: 1\nsweep-interval: 1m\nwindows: {billing: 30d, analytics: 30d}\n");
        Instant early = clock.minus(Duration.ofMinutes(5));      // under e1
        String underE1 = ingest("1", "acct-7", "201", "03012345678", early);
        Outputs.all(billing);
        assertThat(Outputs.all(analytics)).extracting(r -> r.value().getKeyEpoch()).containsExactly("e1");
        assertThat(keys.destroyPseudonymKey("e1")).isTrue();     // e1's analytics records are past their window
        String lateUnderE1 = ingest("2", "acct-8", "201", "03012345678", early);
        assertThat(Outputs.all(billing)).extracting(TestRecord::key).containsExactly(lateUnderE1);
        assertThat(Outputs.none(analytics)).as("no pseudonym can be made under e1 any more").isTrue();

        erase(SUBJECT, "req-1");
        minutes(1);
        assertThat(tombstones(billing)).containsExactlyInAnyOrder(underE1, lateUnderE1);
        assertThat(Outputs.all(analytics)).as("the analytics record written before the key went is erased too")
                .extracting(TestRecord::value).containsExactly((AnalyticsRecord) null);
    }

    /**
     * Finding 10: a record whose parties no rule recognised is erased by its record id — that record and
     * no other of the same call's parties.
     */
    @Test
    void shouldEraseExactlyOneRecordByItsRecordId() {
        open("version: 1\nsweep-interval: 1m\nwindows: {billing: 30d, analytics: 30d}\n");
        String a = ingest("1", "acct-7", "00972547383072");     // a spelling the plan does not read: UNKNOWN
        String b = ingest("2", "acct-7", "00972547383072");
        Outputs.all(billing);
        Outputs.all(analytics);
        new Pseudonymizer(keys, new NumberFacts(10)).tokensFor(Pseudonymizer.recordInput(a)).forEach((epoch, token) ->
                erasures.pipeInput(token, REQUESTS.encode(ErasureRequest.newBuilder().setRequestId("req-r")
                        .setSubjectKind(SubjectKind.RECORD).setKeyEpoch(epoch).setRequestedAt(clock).build())));
        minutes(1);
        assertThat(tombstones(billing)).containsExactly(a);
        assertThat(tombstones(analytics)).hasSize(1);
        assertThat(b).isNotEqualTo(a);
    }

    private void hold(String account, String id) {
        holds.pipeInput(account + "|" + id, new AvroSerde<>(LegalHold.class, LegalHold.getClassSchema()).encode(
                LegalHold.newBuilder().setHoldId(id).setAccount(account).setReasonCode(HoldReason.BILLING_DISPUTE)
                        .setPlacedAt(clock).build()));
    }

    private void erase(String e164, String requestId) {
        new Pseudonymizer(keys, new NumberFacts(10)).numberTokens(e164).forEach((epoch, token) ->
                erasures.pipeInput(token, REQUESTS.encode(ErasureRequest.newBuilder().setRequestId(requestId)
                        .setSubjectKind(SubjectKind.NUMBER).setKeyEpoch(epoch).setRequestedAt(clock).build())));
    }

    private String ingest(String id, String account, String called) {
        return ingest(id, account, "201", called, start.minusSeconds(30));
    }

    private String ingestAt(String id, String account, String called, Instant arrival) {
        return send(id, account, "201", called, start.minusSeconds(30), arrival);
    }

    private String ingest(String id, String account, String calling, String called, Instant end) {
        return send(id, account, calling, called, end, clock);
    }

    private String send(String id, String account, String calling, String called, Instant end, Instant arrival) {
        Instant begin = end.minusSeconds(65);
        String line = String.join(",", q(account), q(calling), q(called), q("from-internal"), q("x"), q("PJSIP/201-1"),
                q("PJSIP/out-1"), q("Dial"), q("y"), q(stamp(begin)), q(stamp(begin.plusSeconds(5))), q(stamp(end)), "65", "60",
                q("ANSWERED"), q("BILLING"), q("1714557600." + id), q(""), q(""), q("1714557600." + id), "1");
        RecordHeaders h = new RecordHeaders();
        h.add("cdr.format", "asterisk-csv".getBytes(StandardCharsets.UTF_8));
        h.add("cdr.source", "pbx1".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>("pbx1".getBytes(), line.getBytes(StandardCharsets.UTF_8), h, arrival));
        return "pbx1:1714557600." + id + ":1";
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    private static <V> List<String> tombstones(TestOutputTopic<String, V> topic) {
        List<TestRecord<String, V>> records = Outputs.all(topic);
        assertThat(records).allMatch(r -> r.value() == null);
        return records.stream().map(TestRecord::key).toList();
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
