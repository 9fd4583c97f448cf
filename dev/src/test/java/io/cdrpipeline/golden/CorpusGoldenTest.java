package io.cdrpipeline.golden;

import io.cdrpipeline.testing.Pipelines;
import io.cdrpipeline.ingest.CdrHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.produce.CdrFiles;
import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.serde.AvroJson;
import io.cdrpipeline.topology.IngestMetrics;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
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

/**
 * Independent expectations (issue 14): the bundled corpus — every sample file of every format —
 * goes through the whole topology, and what comes out is compared, record by record and field by
 * field, with outputs checked in under {@code src/test/resources/golden/} and reviewed by hand:
 * every billing record, every analytics record, every rejection with its class and reason; then
 * nothing else may have come out.
 *
 * <p>The analytics expectations name each pseudonym by what it must be computed from
 * ({@code hmac:e164:+4930…}, {@code hmac:record:<id>}); this test computes those HMACs itself
 * (JDK {@link Mac}, its own key), not with the pipeline's {@code Pseudonymizer}. A wrong billsec, a
 * wrong number, a clear digit in analytics or a lost rejection fails here.
 *
 * <p>To review a deliberate change: run with {@code -Dgolden.update=true}, which rewrites the files
 * and fails (a run that wrote its own expectations proves nothing); read the diff, commit it, run again.
 */
class CorpusGoldenTest {

    private static final byte[] KEY = "golden-corpus-test-key-0123456789".getBytes(StandardCharsets.US_ASCII);
    private static final Path GOLDEN = Path.of("src", "test", "resources", "golden");
    private static final ObjectMapper JSON = new ObjectMapper();

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> raw;
    private TestOutputTopic<String, BillingRecord> billing;
    private TestOutputTopic<String, AnalyticsRecord> analytics;
    private TestOutputTopic<byte[], byte[]> rejected;

    @BeforeEach
    void start() {
        Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
        settings.put("bootstrap.servers", "unused:9092");
        PipelineConfig config = PipelineConfig.of(settings);
        Properties props = PipelineApp.streamsProperties(config);
        props.put("state.dir", System.getProperty("java.io.tmpdir") + "/golden-" + System.nanoTime());
        KeyRing keys = new KeyRing(List.of(new KeyEpoch("g1", Instant.EPOCH, KEY)));
        // Windows of ten years: nothing in the corpus is deleted while it runs.
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n", "golden");
        driver = new TopologyTestDriver(Pipelines.topology(config, keys, policy, new IngestMetrics(), new RetentionMetrics()),
                props, Instant.parse("2026-11-02T08:00:00Z"));
        raw = driver.createInputTopic("cdr.raw", new ByteArraySerializer(), new ByteArraySerializer(),
                Instant.parse("2026-11-02T08:00:00Z"), Duration.ofSeconds(1));
        billing = driver.createOutputTopic("cdr.billing", new StringDeserializer(), Topics.billingSerde().deserializer());
        analytics = driver.createOutputTopic("cdr.analytics", new StringDeserializer(), Topics.analyticsSerde().deserializer());
        rejected = driver.createOutputTopic("cdr.rejected", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldProduceExactlyTheReviewedRecordsForTheCorpus() throws Exception {
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            CdrFiles.split(f.bytes(), f.format(), piece -> raw.pipeInput(new TestRecord<>(
                    f.source().getBytes(StandardCharsets.UTF_8), piece.bytes(), headers(f))));
        }
        TreeMap<String, String> billingOut = new TreeMap<>();
        List<BillingRecord> billingRecords = new ArrayList<>();
        for (TestRecord<String, BillingRecord> r : billing.readRecordsToList()) {
            billingRecords.add(r.value());
            assertThat(billingOut.put(r.key(), JSON.writeValueAsString(AvroJson.toJson(r.value()))))
                    .as("billing %s written twice", r.key()).isNull();
        }
        TreeMap<String, JsonNode> analyticsOut = new TreeMap<>();
        for (TestRecord<String, AnalyticsRecord> r : analytics.readRecordsToList()) {
            assertThat(r.key()).isEqualTo(r.value().getPseudoRecordId());
            assertThat(analyticsOut.put(r.key(), AvroJson.toJson(r.value()))).as("analytics %s written twice", r.key()).isNull();
        }
        List<String> rejectedOut = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : rejected.readRecordsToList()) {
            rejectedOut.add(String.join("\t", header(r.headers(), CdrHeaders.SOURCE), header(r.headers(), "cdr.error.class"),
                    header(r.headers(), "cdr.error.reason"), excerpt(r.value())));
        }
        rejectedOut.sort(null);

        if (Boolean.getBoolean("golden.update")) {
            // Never green in this mode: comparing with what was just written would prove nothing.
            write(billingOut, billingRecords, analyticsOut, rejectedOut);
            fail("golden files rewritten under " + GOLDEN + ": review them with git diff, then run again without -Dgolden.update");
        }

        // Billing: every field of every record, and no other record.
        List<String> expectedBilling = Files.readAllLines(GOLDEN.resolve("billing.jsonl"));
        assertThat(List.copyOf(billingOut.values())).containsExactlyElementsOf(expectedBilling);
        // Rejections: every line the corpus must refuse, with its class and reason.
        assertThat(rejectedOut).containsExactlyElementsOf(Files.readAllLines(GOLDEN.resolve("rejected.tsv")));
        // Analytics: the placeholders turned into HMACs computed here, then whole records compared.
        // (As JSON text: Jackson's nodes for the same number differ in type between parsed and built trees.)
        TreeMap<String, String> expectedAnalytics = new TreeMap<>();
        for (String line : Files.readAllLines(GOLDEN.resolve("analytics.jsonl"))) {
            JsonNode n = resolvePlaceholders(JSON.readTree(line));
            expectedAnalytics.put(n.get("pseudoRecordId").asText(), JSON.writeValueAsString(n));
        }
        TreeMap<String, String> actualAnalytics = new TreeMap<>();
        for (var e : analyticsOut.entrySet()) {
            actualAnalytics.put(e.getKey(), JSON.writeValueAsString(e.getValue()));
        }
        assertThat(actualAnalytics).containsExactlyEntriesOf(expectedAnalytics);
        assertThat(billingOut).as("one analytics record per billing record").hasSameSizeAs(analyticsOut);
    }

    /** {@code "hmac:<input>"} → base64url of the first 128 bits of HMAC-SHA256(KEY, input), computed here. */
    private static JsonNode resolvePlaceholders(JsonNode node) {
        if (node.isTextual() && node.asText().startsWith("hmac:")) {
            return TextNode.valueOf(hmac(node.asText().substring("hmac:".length())));
        }
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(resolvePlaceholders(e.getValue()));
            }
        }
        return node;
    }

    static String hmac(String input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            byte[] d = mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 16));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the files for review: each analytics pseudonym replaced by the input whose HMAC it is. */
    private static void write(TreeMap<String, String> billingOut, List<BillingRecord> billingRecords,
            TreeMap<String, JsonNode> analyticsOut, List<String> rejectedOut) throws Exception {
        Files.createDirectories(GOLDEN);
        Files.write(GOLDEN.resolve("billing.jsonl"), billingOut.values());
        Map<String, String> inputs = new HashMap<>();
        for (BillingRecord b : billingRecords) {
            inputs.put(hmac("record:" + b.getRecordId()), "hmac:record:" + b.getRecordId());
            for (String in : io.cdrpipeline.pseudonymize.Pseudonymizer.subjectInputs(b)) {
                inputs.put(hmac(in), "hmac:" + in);
            }
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode a : analyticsOut.values()) {
            lines.add(JSON.writeValueAsString(placeholders(a.deepCopy(), inputs)));
        }
        lines.sort(null);
        Files.write(GOLDEN.resolve("analytics.jsonl"), lines);
        Files.write(GOLDEN.resolve("rejected.tsv"), rejectedOut);
    }

    private static JsonNode placeholders(JsonNode node, Map<String, String> inputs) {
        if (node.isTextual() && inputs.containsKey(node.asText())) {
            return TextNode.valueOf(inputs.get(node.asText()));
        }
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                e.setValue(placeholders(e.getValue(), inputs));
            }
        }
        return node;
    }

    private static Headers headers(SampleCorpus.SampleFile f) {
        RecordHeaders h = new RecordHeaders();
        h.add(CdrHeaders.FORMAT, f.format().id().getBytes(StandardCharsets.UTF_8));
        h.add(CdrHeaders.SOURCE, f.source().getBytes(StandardCharsets.UTF_8));
        return h;
    }

    private static String header(Headers headers, String name) {
        var h = headers.lastHeader(name);
        return h == null ? "-" : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The rejected line's first 60 characters, tabs and line breaks made visible. */
    private static String excerpt(byte[] value) {
        String s = new String(value, StandardCharsets.UTF_8);
        s = s.length() > 60 ? s.substring(0, 60) : s;
        return s.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n");
    }
}
