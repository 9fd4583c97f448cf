package io.cdrpipeline.topology;

import io.cdrpipeline.testing.Pipelines;
import io.cdrpipeline.ingest.CdrHeaders;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.RejectReason;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IngestTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");
    private static final String LINE = "\"acct-7\",\"201\",\"03012345678\",\"from-internal\",\"\"\"Desk, Front\"\" <201>\","
            + "\"PJSIP/201-00000003\",\"PJSIP/out-00000004\",\"Dial\",\"PJSIP/03012345678@out,60,tT\","
            + "\"2024-05-01 12:00:00\",\"2024-05-01 12:00:05\",\"2024-05-01 12:01:05\",65,60,\"ANSWERED\",\"BILLING\","
            + "\"1714557600.3\",\"\"";

    private final IngestMetrics metrics = new IngestMetrics();
    private final KeyRing keys = KeyRing.random("test", Instant.EPOCH);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, BillingRecord> billing;
    private TestOutputTopic<String, AnalyticsRecord> analytics;
    private TestOutputTopic<byte[], byte[]> rejected;

    @BeforeEach
    void start() {
        Map<String, String> settings = new HashMap<>();
        settings.put("bootstrap.servers", "unused:9092");
        settings.put("source.pbx-berlin.region", "DE");
        settings.put("source.pbx-berlin.zone", "Europe/Berlin");
        settings.put("source.pbx-berlin.format", "asterisk-csv");
        PipelineConfig config = PipelineConfig.of(settings);
        Properties props = PipelineApp.streamsProperties(config);
        props.put("state.dir", System.getProperty("java.io.tmpdir") + "/ttd-" + System.nanoTime());
        driver = new TopologyTestDriver(Pipelines.topology(config, keys, metrics), props);
        raw = driver.createInputTopic("cdr.raw", new ByteArraySerializer(), new ByteArraySerializer(), T0, Duration.ofSeconds(1));
        billing = driver.createOutputTopic("cdr.billing", new StringDeserializer(), Topics.billingSerde().deserializer());
        analytics = driver.createOutputTopic("cdr.analytics", new StringDeserializer(), Topics.analyticsSerde().deserializer());
        rejected = driver.createOutputTopic("cdr.rejected", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldSplitAGoodCdrIntoOneBillingAndOneAnalyticsRecord() {
        pipe(LINE, "asterisk-csv", "pbx-berlin");

        TestRecord<String, BillingRecord> b = billing.readRecord();
        // No sequence column: the switch id plus 48 bits of digest over the call facts.
        assertThat(b.key()).matches("pbx-berlin:1714557600\\.3~[0-9a-f]{12}");
        BillingRecord expected = BillingRecord.newBuilder()
                .setRecordId(b.key()).setSource("pbx-berlin").setAccount("acct-7")
                .setCalling(new PartyNumber("201", NumberType.EXTENSION, "201", null))
                .setCalled(new PartyNumber("+493012345678", NumberType.E164, "03012345678", true))
                .setStartTime(Instant.parse("2024-05-01T10:00:00Z")).setAnswerTime(Instant.parse("2024-05-01T10:00:05Z"))
                .setEndTime(Instant.parse("2024-05-01T10:01:05Z")).setDurationSeconds(65).setBillableSeconds(60)
                .setDisposition(Disposition.ANSWERED).setLegRole(io.cdrpipeline.schema.LegRole.ORIGINATING)
                .setSwitchCallId("1714557600.3").build();
        assertThat(b.value()).isEqualTo(expected);

        TestRecord<String, AnalyticsRecord> a = analytics.readRecord();
        assertThat(a.key()).isEqualTo(a.value().getPseudoRecordId()).isNotEqualTo(b.key());
        assertThat(a.value().getCalled().getCountryCode()).isEqualTo(49);
        assertThat(a.value().getCalled().getDestinationCode()).isEqualTo("30");
        assertThat(a.value().getCalling().getType()).isEqualTo(NumberType.EXTENSION);
        assertThat(a.value().getStartMinute()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(a.value().toString()).doesNotContain("12345678").doesNotContain("201\"").doesNotContain("acct-7");
        assertThat(a.headers().toArray()).as("no raw-side headers leak to analytics").isEmpty();

        assertThat(billing.isEmpty()).isTrue();
        assertThat(analytics.isEmpty()).isTrue();
        assertThat(rejected.isEmpty()).isTrue();
    }

    @Test
    void shouldSendABadLineToRejectedWithItsBytesAndReason() {
        String bad = LINE.replace("\"2024-05-01 12:01:05\"", "\"2024-05-01 11:01:05\"");
        pipe(bad, "asterisk-csv", "pbx-berlin");

        TestRecord<byte[], byte[]> r = rejected.readRecord();
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(bad);
        assertThat(header(r.headers(), "cdr.error.class")).isEqualTo("impossible");
        assertThat(header(r.headers(), "cdr.error.reason")).isEqualTo("end time before start time");
        assertThat(header(r.headers(), "cdr.source")).isEqualTo("pbx-berlin");
        assertThat(header(r.headers(), "cdr.input.topic")).isEqualTo("cdr.raw");
        assertThat(header(r.headers(), "cdr.input.offset")).isEqualTo("0");
        assertThat(header(r.headers(), "cdr.file")).as("original headers kept").isEqualTo("Master.csv");
        assertThat(rejected.isEmpty()).isTrue();
        assertThat(billing.isEmpty()).isTrue();
        assertThat(analytics.isEmpty()).isTrue();
        assertThat(metrics.rejected(RejectReason.IMPOSSIBLE)).isEqualTo(1);
    }

    @Test
    void shouldDropAResendAndCountIt() {
        pipe(LINE, "asterisk-csv", "pbx-berlin");
        pipe(LINE, "asterisk-csv", "pbx-berlin");
        pipe(LINE + "\r\n", "asterisk-csv", "pbx-berlin");

        assertThat(billing.readRecordsToList()).hasSize(1);
        assertThat(analytics.readRecordsToList()).hasSize(1);
        assertThat(rejected.isEmpty()).isTrue();
        assertThat(metrics.duplicates()).isEqualTo(2);
        assertThat(metrics.read()).isEqualTo(metrics.accepted() + metrics.rejectedTotal()).isEqualTo(3);
    }

    @Test
    void shouldKnowAResendForAsLongAsTheRecordIsRetainedNotJustForADay() {
        pipe(LINE, "asterisk-csv", "pbx-berlin");
        raw.advanceTime(Duration.ofDays(30));
        pipe(LINE, "asterisk-csv", "pbx-berlin");

        assertThat(billing.readRecordsToList()).hasSize(1);
        assertThat(metrics.duplicates()).isOne();
    }

    @Test
    void shouldUseTheSourceDefaultFormatWhenTheHeaderIsMissingAndRejectUnknownFormats() {
        pipe(LINE, null, "pbx-berlin");
        pipe(LINE, "asterisk-csv-v9", "pbx-berlin");
        pipe(LINE, null, "pbx-nowhere");

        assertThat(billing.readRecordsToList()).hasSize(1);
        List<TestRecord<byte[], byte[]>> r = rejected.readRecordsToList();
        assertThat(r).extracting(x -> header(x.headers(), "cdr.error.class")).containsExactly("unknown-format", "unknown-source");
        assertThat(header(r.get(1).headers(), "cdr.source")).isEqualTo("pbx-nowhere");
    }

    @Test
    void shouldRejectWhatTheProducerHadToCut() {
        Headers h = headers("asterisk-csv", "pbx-berlin");
        h.add(CdrHeaders.TRUNCATED, "2000000".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>("pbx-berlin".getBytes(), LINE.getBytes(StandardCharsets.UTF_8), h));

        assertThat(header(rejected.readRecord().headers(), "cdr.error.class")).isEqualTo("oversized");
        assertThat(billing.isEmpty()).isTrue();
    }

    private void pipe(String line, String format, String source) {
        raw.pipeInput(new TestRecord<>(source.getBytes(StandardCharsets.UTF_8), line.getBytes(StandardCharsets.UTF_8),
                headers(format, source)));
    }

    private static Headers headers(String format, String source) {
        RecordHeaders h = new RecordHeaders();
        if (format != null) {
            h.add("cdr.format", format.getBytes(StandardCharsets.UTF_8));
        }
        h.add("cdr.source", source.getBytes(StandardCharsets.UTF_8));
        h.add("cdr.file", "Master.csv".getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
