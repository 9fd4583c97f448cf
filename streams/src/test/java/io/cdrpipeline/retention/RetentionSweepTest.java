package io.cdrpipeline.retention;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.topology.IngestMetrics;
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
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sweep against the whole topology, with wall-clock time advanced by hand. */
class RetentionSweepTest {

    /** The driver's wall clock starts at the real now; calls end relative to it. */
    private final Instant start = Instant.now();
    private final KeyRing keys = KeyRing.random("t", Instant.EPOCH);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, BillingRecord> billing;
    private TestOutputTopic<String, AnalyticsRecord> analytics;
    private TestOutputTopic<String, AuditReceipt> audit;
    private final RetentionMetrics metrics = new RetentionMetrics();

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    @Test
    void shouldMarkANewTasksSubjectIndexAtOnceSoThatARestartBeforeItsFirstSweepRebuildsNothing() {
        open(policy(1, "10m", "5m"));
        ingest("1001", start.minusSeconds(60));                 // no wall-clock time passes: no sweep yet

        byte[] local = driver.<Bytes, byte[]>getKeyValueStore(SubjectIndex.STORE).get(SubjectIndex.GENERATION);
        byte[] logged = new SweepState(driver.<String, byte[]>getKeyValueStore(SweepState.STORE)).subjectGeneration();
        assertThat(local).as("the subject index's generation mark").isNotNull();
        assertThat(local).isEqualTo(logged);
    }

    @Test
    void shouldEmitTombstonesWhenEachWindowClosesAndNotBefore() {
        open(policy(1, "10m", "5m"));
        String id = ingest("1001", start.minusSeconds(60));   // call ended a minute ago
        String pseudoId = Outputs.next(analytics).key();
        assertThat(Outputs.next(billing).key()).isEqualTo(id);

        minutes(3);                                            // analytics closes at +4m
        assertThat(Outputs.none(billing)).isTrue();
        assertThat(Outputs.none(analytics)).isTrue();

        minutes(1);                                            // +4m: the sweep at or just after the close
        TestRecord<String, AnalyticsRecord> a = Outputs.next(analytics);
        assertThat(a.key()).isEqualTo(pseudoId);
        assertThat(a.value()).isNull();
        assertThat(Outputs.none(billing)).isTrue();

        minutes(4);                                            // billing closes at +9m
        assertThat(Outputs.none(billing)).isTrue();
        minutes(1);
        TestRecord<String, BillingRecord> b = Outputs.next(billing);
        assertThat(b.key()).isEqualTo(id);
        assertThat(b.value()).isNull();
        assertThat(Outputs.none(billing)).isTrue();
        assertThat(Outputs.none(analytics)).isTrue();

        List<AuditReceipt> receipts = audit.readValuesToList();
        assertThat(receipts).extracting(AuditReceipt::getDataClass).containsExactly(DataClass.ANALYTICS, DataClass.BILLING);
        assertThat(receipts).allSatisfy(r -> {
            assertThat(r.getReason()).isEqualTo(DeletionReason.WINDOW_CLOSED);
            assertThat(r.getPolicyVersion()).isEqualTo(1);
            assertThat(r.getKeyHash()).hasSize(32).doesNotContain(id);
            assertThat(Duration.between(r.getWindowClose(), r.getEmittedAt())).isBetween(Duration.ZERO, Duration.ofMinutes(1));
        });
        assertStoresEmpty();
    }

    @Test
    void shouldDrainABacklogInBoundedSweeps() {
        open(policy(1, "1d", "1d", 50));
        for (int i = 0; i < 120; i++) {
            ingest(Integer.toString(2000 + i), start.minus(Duration.ofDays(3)));
        }
        Outputs.all(billing);
        Outputs.all(analytics);

        minutes(1);                                            // the regular sweep: one bounded step
        int steps = 1;
        List<AuditReceipt> receipts = new java.util.ArrayList<>(audit.readValuesToList());
        int total = deletions(receipts);
        assertThat(total).as("a step stops at its budget").isEqualTo(50);
        while (total < 240 && steps < 50) {
            driver.advanceWallClockTime(Duration.ofMillis(200)); // catch-up steps while behind
            List<AuditReceipt> step = audit.readValuesToList();
            assertThat(deletions(step)).isLessThanOrEqualTo(50);
            assertThat(step).as("one receipt per topic and reason in a step, not one per record").hasSizeLessThanOrEqualTo(2);
            receipts.addAll(step);
            total += deletions(step);
            steps++;
        }
        assertThat(total).as("120 billing + 120 analytics deletions").isEqualTo(240);
        assertThat(steps).as("drained in bounded steps, within seconds not minutes").isBetween(5, 10);
        List<TestRecord<String, BillingRecord>> tombstones = Outputs.all(billing);
        assertThat(tombstones).hasSize(120).allMatch(r -> r.value() == null);
        // Every deleted record is provable on its own: its key hash is listed in exactly one receipt,
        // whose own key hash is the audit key's digest of the list.
        AuditKey auditKey = AuditKey.of(keys);
        assertThat(receipts).filteredOn(r -> r.getCount() > 1).isNotEmpty().allSatisfy(r -> {
            assertThat(r.getKeyHashes()).hasSize(r.getCount());
            assertThat(r.getKeyHash()).isEqualTo(auditKey.digest(r.getTopic(), r.getKeyHashes()));
        });
        List<String> listed = receipts.stream().filter(r -> r.getTopic().equals("cdr.billing"))
                .flatMap(r -> r.getCount() == 1 ? java.util.stream.Stream.of(r.getKeyHash()) : r.getKeyHashes().stream())
                .toList();
        assertThat(listed).containsExactlyInAnyOrderElementsOf(
                tombstones.stream().map(t -> auditKey.hash("cdr.billing", t.key())).toList());
        assertStoresEmpty();
    }

    private static int deletions(List<AuditReceipt> receipts) {
        return receipts.stream().mapToInt(AuditReceipt::getCount).sum();
    }

    private void minutes(int n) {
        for (int i = 0; i < n; i++) {
            driver.advanceWallClockTime(Duration.ofMinutes(1));
        }
    }

    private String ingest(String uniqueSuffix, Instant end) {
        Instant begin = end.minusSeconds(65);
        String line = String.join(",", "\"acct-7\"", "\"201\"", "\"03012345678\"", "\"from-internal\"", "\"x\"",
                "\"PJSIP/201-1\"", "\"PJSIP/out-1\"", "\"Dial\"", "\"y\"", "\"" + stamp(begin) + "\"",
                "\"" + stamp(begin.plusSeconds(5)) + "\"", "\"" + stamp(end) + "\"", "65", "60", "\"ANSWERED\"",
                "\"BILLING\"", "\"1714557600." + uniqueSuffix + "\"", "\"\"",
                "\"\"", "\"1714557600." + uniqueSuffix + "\"", "1");   // newcdrcolumns: the CDR's sequence makes its id
        RecordHeaders h = new RecordHeaders();
        h.add("cdr.format", "asterisk-csv".getBytes(StandardCharsets.UTF_8));
        h.add("cdr.source", "pbx1".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>("pbx1".getBytes(), line.getBytes(StandardCharsets.UTF_8), h, start));
        return "pbx1:1714557600." + uniqueSuffix + ":1";
    }

    private static String stamp(Instant i) {
        return i.toString().substring(0, 19).replace('T', ' ');
    }

    private static RetentionPolicy policy(int version, String billing, String analytics) {
        return policy(version, billing, analytics, 10_000);
    }

    private static RetentionPolicy policy(int version, String billing, String analytics, int max) {
        return RetentionPolicy.parse("version: " + version + "\nsweep-interval: 1m\nsweep-max-records: " + max
                + "\nwindows: {billing: " + billing + ", analytics: " + analytics + "}\n", "test");
    }

    private void open(RetentionPolicy policy) {
        PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", "unused:9092", "source.pbx1.region", "DE", "source.pbx1.zone", "UTC"));
        Properties props = PipelineApp.streamsProperties(config);
        props.put("state.dir", System.getProperty("java.io.tmpdir") + "/sweep-" + System.nanoTime());
        driver = new TopologyTestDriver(Pipelines.topology(config, keys, policy, new IngestMetrics(), metrics), props,
                start);
        raw = driver.createInputTopic("cdr.raw", new ByteArraySerializer(), new ByteArraySerializer());
        billing = driver.createOutputTopic("cdr.billing", new StringDeserializer(), Topics.billingSerde().deserializer());
        analytics = driver.createOutputTopic("cdr.analytics", new StringDeserializer(), Topics.analyticsSerde().deserializer());
        audit = driver.createOutputTopic("cdr.audit", new StringDeserializer(), Topics.auditSerde().deserializer());
    }

    private void assertStoresEmpty() {
        for (String name : List.of(ExpiryIndex.STORE, SubjectIndex.STORE, HeldIndex.STORE)) {
            KeyValueStore<Bytes, byte[]> store = driver.getKeyValueStore(name);
            try (var it = store.all()) {
                List<Bytes> left = new java.util.ArrayList<>();
                // The subject index's generation mark is no record's.
                it.forEachRemaining(kv -> {
                    if (!kv.key.equals(SubjectIndex.GENERATION)) {
                        left.add(kv.key);
                    }
                });
                assertThat(left).as("%s holds no record's entry", name).isEmpty();
            }
        }
    }
}
