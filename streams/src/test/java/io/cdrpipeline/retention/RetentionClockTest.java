package io.cdrpipeline.retention;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.PipelineConfig;
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
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Clocks we hold (issue 14): fixed instants, the wall clock moved by hand across each boundary —
 * a day before a window closes nothing is deleted, a day after it is — and every receipt's
 * {@code windowClose} equal to call end + window, computed here from the policy's text, for the
 * default window, a per-source override and the analytics window. A window one day too long, or a
 * deletion one day early, fails.
 */
class RetentionClockTest {

    /** The driver's wall clock starts here; every call ends at {@link #END}, on the hour (the sweep step). */
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");
    private static final Instant END = Instant.parse("2026-02-28T23:00:00Z");
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration ANALYTICS = Duration.ofDays(7);
    private static final Duration BILLING = Duration.ofDays(30);
    private static final Duration BILLING_LAB = Duration.ofDays(90);

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, BillingRecord> billing;
    private TestOutputTopic<String, AnalyticsRecord> analytics;
    private TestOutputTopic<String, AuditReceipt> audit;
    private Instant now = START;
    private final RetentionMetrics metrics = new RetentionMetrics();

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldDeleteEachRecordADayAfterItsWindowClosesAndNotADayBefore() throws Exception {
        open();
        String office = ingest("pbx1", "1");
        String lab = ingest("pbx-lab", "2");
        assertThat(Outputs.all(billing)).extracting(TestRecord::key).containsExactlyInAnyOrder(office, lab);
        List<String> analysed = Outputs.all(analytics).stream().map(TestRecord::key).toList();
        assertThat(analysed).hasSize(2).doesNotHaveDuplicates();

        // Analytics: 7 days for every source.
        advanceTo(END.plus(ANALYTICS).minus(DAY));
        assertThat(Outputs.none(analytics)).as("a day before the analytics window closes").isTrue();
        advanceTo(END.plus(ANALYTICS).plus(DAY));
        assertThat(Outputs.all(analytics)).as("a day after: both analysed records, tombstoned").allMatch(r -> r.value() == null)
                .extracting(TestRecord::key).containsExactlyInAnyOrderElementsOf(analysed);
        // Both went in one sweep step with the same (rounded) window close: one receipt listing both.
        assertThat(receipts(DataClass.ANALYTICS)).singleElement().satisfies(r -> {
            assertThat(r.getWindowClose()).isEqualTo(END.plus(ANALYTICS));
            assertThat(r.getCount()).isEqualTo(2);
            assertThat(r.getKeyHashes()).hasSize(2).doesNotHaveDuplicates();
        });

        // Billing: 30 days by default, 90 for pbx-lab (a per-source override).
        advanceTo(END.plus(BILLING).minus(DAY));
        assertThat(Outputs.none(billing)).as("a day before the default billing window closes").isTrue();
        advanceTo(END.plus(BILLING).plus(DAY));
        assertThat(Outputs.all(billing)).extracting(TestRecord::key).containsExactly(office);
        assertThat(receipts(DataClass.BILLING)).extracting(AuditReceipt::getWindowClose).containsExactly(END.plus(BILLING));
        // The state directory: within one physical step (here (14 d - 1 h) / 5, the default budget) the deleted
        // record's id has left every file of every store — the sweeps purge what they deleted once per step —
        // while the retained one is still there (the scanner's control; the driver flushes at each commit).
        assertThat(filesContaining(office)).as("just deleted: still in the store's files until the purge").isNotEmpty();
        advanceTo(END.plus(BILLING).plus(DAY).plus(Duration.ofDays(3)));
        assertThat(filesContaining(lab)).as("a retained entry is on disk").isNotEmpty();
        assertThat(filesContaining(office)).as("a deleted entry is not, a step later").isEmpty();
        // Every sweep appended a keep-alive to each logged store's changelog (quiet changelogs still roll).
        for (String store : List.of(ExpiryIndex.STORE, HeldIndex.STORE, SweepState.STORE)) {
            assertThat(driver.createOutputTopic("cdr-pipeline-" + store + "-changelog",
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer()).readRecordsToList())
                    .as("keep-alives on %s's changelog", store).filteredOn(r -> r.value() == null).hasSizeGreaterThanOrEqualTo(4);
        }

        advanceTo(END.plus(BILLING_LAB).minus(DAY));
        assertThat(Outputs.none(billing)).as("a day before the override closes").isTrue();
        advanceTo(END.plus(BILLING_LAB).plus(DAY));
        assertThat(Outputs.all(billing)).extracting(TestRecord::key).containsExactly(lab);
        List<AuditReceipt> lateReceipts = receipts(DataClass.BILLING);
        assertThat(lateReceipts).extracting(AuditReceipt::getWindowClose).containsExactly(END.plus(BILLING_LAB));
        assertThat(lateReceipts).allSatisfy(r -> {
            assertThat(r.getReason()).isEqualTo(DeletionReason.WINDOW_CLOSED);
            assertThat(r.getArrivedAfterClose()).isFalse();
        });
        // What ops see: every deletion counted by class, each a day late (the sweeps ran a day after each close).
        assertThat(metrics.deleted(DataClass.BILLING)).isEqualTo(2);
        assertThat(metrics.deleted(DataClass.ANALYTICS)).isEqualTo(2);
        assertThat(metrics.maxLatenessMs()).isEqualTo(DAY.toMillis());
        assertThat(metrics.sweeps()).isGreaterThanOrEqualTo(7);
        assertThat(metrics.largestStep()).isEqualTo(2);
        assertThat(metrics.pendingErasures()).isZero();
        assertThat(metrics.indexEntries()).isZero();
    }

    /** One jump: the sweep runs once at {@code target} and must find by itself everything due by then. */
    private void advanceTo(Instant target) {
        driver.advanceWallClockTime(Duration.between(now, target));
        now = target;
    }

    private java.nio.file.Path stateDir;

    private List<String> filesContaining(String secret) throws java.io.IOException {
        List<String> found = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.walk(stateDir)) {
            for (java.nio.file.Path f : files.filter(java.nio.file.Files::isRegularFile).toList()) {
                if (new String(java.nio.file.Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(secret)) {
                    found.add(stateDir.relativize(f).toString());
                }
            }
        }
        return found;
    }

    private List<AuditReceipt> receipts(DataClass kind) {
        return audit.readValuesToList().stream().filter(r -> r.getDataClass() == kind).toList();
    }

    private String ingest(String source, String unique) {
        Instant begin = END.minusSeconds(65);
        String line = String.join(",", "\"acct-7\"", "\"201\"", "\"03012345678\"", "\"from-internal\"", "\"x\"",
                "\"PJSIP/201-1\"", "\"PJSIP/out-1\"", "\"Dial\"", "\"y\"", "\"" + stamp(begin) + "\"",
                "\"" + stamp(begin.plusSeconds(5)) + "\"", "\"" + stamp(END) + "\"", "65", "60", "\"ANSWERED\"",
                "\"BILLING\"", "\"1772319535." + unique + "\"", "\"\"", "\"\"", "\"1772319535." + unique + "\"", "1");
        RecordHeaders h = new RecordHeaders();
        h.add("cdr.format", "asterisk-csv".getBytes(StandardCharsets.UTF_8));
        h.add("cdr.source", source.getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>(source.getBytes(), line.getBytes(StandardCharsets.UTF_8), h, START));
        return source + ":1772319535." + unique + ":1";
    }

    private static String stamp(Instant i) {
        return i.toString().substring(0, 19).replace('T', ' ');
    }

    private void open() {
        RetentionPolicy policy = RetentionPolicy.parse("""
                version: 1
                sweep-interval: 1h
                windows: {billing: 30d, analytics: 7d}
                billing-overrides:
                  sources: {pbx-lab: 90d}
                """, "clock-test");
        PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", "unused:9092",
                "source.pbx1.region", "DE", "source.pbx1.zone", "UTC",
                "source.pbx-lab.region", "DE", "source.pbx-lab.zone", "UTC"));
        Properties props = PipelineApp.streamsProperties(config);
        stateDir = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "clock-" + System.nanoTime());
        props.put("state.dir", stateDir.toString());
        driver = new TopologyTestDriver(Pipelines.topology(config, KeyRing.random("t", Instant.EPOCH), policy,
                new IngestMetrics(), metrics), props, START);
        raw = driver.createInputTopic("cdr.raw", new ByteArraySerializer(), new ByteArraySerializer());
        billing = driver.createOutputTopic("cdr.billing", new StringDeserializer(), Topics.billingSerde().deserializer());
        analytics = driver.createOutputTopic("cdr.analytics", new StringDeserializer(), Topics.analyticsSerde().deserializer());
        audit = driver.createOutputTopic("cdr.audit", new StringDeserializer(), Topics.auditSerde().deserializer());
    }
}
