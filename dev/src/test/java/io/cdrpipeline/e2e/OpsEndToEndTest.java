package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.TopicSpecs;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** /metrics and /health during a real run; readiness follows the broker away and back; no number in any log line. */
class OpsEndToEndTest {

    private static final Path WORK = Path.of("target", "ops-" + System.nanoTime()).toAbsolutePath();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldServeMetricsAndHealthAndFlipReadinessWithTheBroker() throws Exception {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        // The bytes a log file would get: every line, levels, loggers, MDC and full stack traces.
        java.io.ByteArrayOutputStream logBytes = new java.io.ByteArrayOutputStream();
        ch.qos.logback.classic.encoder.PatternLayoutEncoder encoder = new ch.qos.logback.classic.encoder.PatternLayoutEncoder();
        encoder.setContext(root.getLoggerContext());
        encoder.setPattern("%d %level [%thread] %logger %mdc - %msg%n%ex{full}");
        encoder.start();
        ch.qos.logback.core.OutputStreamAppender<ILoggingEvent> raw = new ch.qos.logback.core.OutputStreamAppender<>();
        raw.setContext(root.getLoggerContext());
        raw.setEncoder(encoder);
        raw.setOutputStream(logBytes);
        raw.start();
        root.addAppender(raw);
        ((Logger) LoggerFactory.getLogger("io.cdrpipeline")).setLevel(Level.DEBUG);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), port, Map.of());
        try {
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-ops");
            settings.put("state.dir", WORK.resolve("state").toString());
            // The default windows, swept every second: the samples' 2024 calls are deleted as they arrive.
            Files.createDirectories(WORK);
            Files.writeString(WORK.resolve("policy.yaml"), "version: 1\nsweep-interval: 1s\n");
            settings.put("retention.policy.file", WORK.resolve("policy.yaml").toString());
            PipelineConfig config = PipelineConfig.of(settings);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.of(config)));
            }
            try (PipelineApp app = Pipelines.app(config, KeyRing.random("ops", Instant.EPOCH))) {
                int ops = app.serveOps(0, Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers())).port();
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
                    Path p = WORK.resolve(f.path().replace('/', '_'));
                    Files.write(p, f.bytes());
                    Path conf = WORK.resolve("ops.properties");
                    Files.writeString(conf, SampleCorpus.sourceSettings().entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(java.util.stream.Collectors.joining()));
                    assertThat(CdrPipelineCli.execute("produce", "--bootstrap-server", kafka.bootstrapServers(),
                            "--config", conf.toString(),
                            "--format", f.format().id(), "--source", f.source(), p.toString())).isZero();
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> app.metrics().read() >= 33);
                await().atMost(Duration.ofSeconds(10)).until(() -> get(ops, "/health/ready").statusCode() == 200);

                // The books: what the topics hold (read_committed), against what /metrics says.
                EmbeddedKafka broker = kafka;
                long billingWritten = values(broker, "cdr.billing");
                long rejectedWritten = values(broker, "cdr.rejected");
                await().atMost(Duration.ofSeconds(30)).until(() -> metric(get(ops, "/metrics").body(),
                        "cdr_records_out_total{topic=\"billing\"}") == values(broker, "cdr.billing"));
                String metrics = get(ops, "/metrics").body();
                assertThat(metric(metrics, "cdr_records_in_total")).isEqualTo(33);
                assertThat(metric(metrics, "cdr_records_out_total{topic=\"billing\"}")).as("billing, after dedupe")
                        .isEqualTo(billingWritten).isEqualTo(values(broker, "cdr.billing"));
                long rejected = metrics.lines().filter(l -> l.startsWith("cdr_records_rejected_total{"))
                        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
                assertThat(rejected).as("rejected: the rejected topic's records").isEqualTo(rejectedWritten);
                // (A resend of a record whose window had already closed when it first arrived is not in the
                // dedupe store — it was deleted as it was written — so it is written, and deleted, again.)
                long duplicates = metric(metrics, "cdr_records_duplicates_total");
                assertThat(duplicates).isPositive();
                assertThat(metric(metrics, "cdr_records_in_total")).as("in = billing + rejected + duplicates")
                        .isEqualTo(billingWritten + rejectedWritten + duplicates);
                assertThat(metric(metrics, "cdr_records_rejected_total{reason=\"impossible\"}")).isEqualTo(2);
                // Sample calls are of 2024: their windows have closed, the sweeps delete them as they arrive.
                await().atMost(Duration.ofSeconds(30)).until(() -> metric(get(ops, "/metrics").body(),
                        "cdr_tombstones_total{class=\"billing\"}") == billingWritten);
                metrics = get(ops, "/metrics").body();
                assertThat(metric(metrics, "cdr_deletion_lateness_seconds_count")).isEqualTo(metric(metrics,
                        "cdr_tombstones_total{class=\"billing\"}") + metric(metrics, "cdr_tombstones_total{class=\"analytics\"}"));
                // Lateness is a histogram (buckets add up across instances, and do not decay to 0 between scrapes).
                assertThat(metric(metrics, "cdr_deletion_lateness_seconds_bucket{le=\"+Inf\"}"))
                        .isEqualTo(metric(metrics, "cdr_deletion_lateness_seconds_count"));
                assertThat(metrics).doesNotContain("cdr_deletion_lateness_seconds{quantile");
                // Issue 22, finding 6: the index gauge is what is retained — here three CDRs of today, the rest deleted.
                try (io.cdrpipeline.produce.RawProducer fresh = new io.cdrpipeline.produce.RawProducer(config)) {
                    for (int i = 0; i < 3; i++) {
                        long end = System.currentTimeMillis() - 60_000;
                        String doc = "{\"id\":\"today-" + i + "\",\"calling\":\"+12015550123\",\"called\":\"+12015550199\","
                                + "\"start\":" + (end - 30_000) + ",\"end\":" + end + "}";
                        fresh.send(doc.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                io.cdrpipeline.ingest.CdrFormat.CANONICAL_JSON, "partner-us", null, 0);
                    }
                    fresh.flush();
                }
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(alive(broker, "cdr.billing")).isEqualTo(3);
                    assertThat(metric(get(ops, "/metrics").body(), "cdr_retention_index_entries")).as("retained CDRs")
                            .isEqualTo(alive(broker, "cdr.billing"));
                });
                metrics = get(ops, "/metrics").body();
                assertThat(metrics).contains("cdr_retention_index_entries",
                        "cdr_sweep_tasks_behind 0.0", "cdr_erasure_requests_pending 0.0", "jvm_memory_used_bytes",
                        "process_cpu_usage", "process_uptime_seconds", "kafka_stream_");
                assertThat(get(ops, "/health/live").body()).contains("\"live\":true");

                kafka.close();                                       // the broker goes away
                await().atMost(Duration.ofSeconds(30)).until(() -> get(ops, "/health/ready").statusCode() == 503);
                assertThat(get(ops, "/health/live").statusCode()).as("still alive: it will reconnect").isEqualTo(200);

                kafka = EmbeddedKafka.start(WORK.resolve("broker"), port, Map.of());   // and comes back
                await().atMost(Duration.ofSeconds(60)).until(() -> get(ops, "/health/ready").statusCode() == 200);
            }
        } finally {
            kafka.close();
            root.detachAppender(logs);
            root.detachAppender(raw);
        }
        // What is scanned: the encoded output, and every argument of every event (used by the message or not).
        StringBuilder text = new StringBuilder(logBytes.toString(java.nio.charset.StandardCharsets.UTF_8));
        for (ILoggingEvent e : logs.list) {
            if (e.getArgumentArray() != null) {
                for (Object arg : e.getArgumentArray()) {
                    text.append('\n').append(arg);
                }
            }
        }
        assertThat(logs.list).hasSizeGreaterThan(10);
        // The secrets come from the input, as the reviewed corpus outputs name them: every party's national
        // significant number, which each spelling of it contains (+44…, 0044…, 0…).
        java.util.Set<String> secrets = corpusNationalNumbers();
        assertThat(secrets).hasSizeGreaterThanOrEqualTo(15);
        StringBuilder input = new StringBuilder();
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            input.append(new String(f.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        assertThat(secrets).as("positive control: the scanner finds every one of them in the input")
                .allMatch(n -> input.indexOf(n) >= 0);
        assertThat(secrets).as("no number in any log byte or argument").noneMatch(n -> text.indexOf(n) >= 0);
    }

    /** The national significant numbers of every E.164 party in the reviewed corpus outputs (golden/billing.jsonl). */
    private static java.util.Set<String> corpusNationalNumbers() throws Exception {
        var util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (String line : Files.readAllLines(Path.of("src", "test", "resources", "golden", "billing.jsonl"))) {
            var record = json.readTree(line);
            for (String party : List.of("calling", "called")) {
                var p = record.get(party);
                if ("E164".equals(p.get("type").asText())) {
                    out.add(util.getNationalSignificantNumber(util.parse(p.get("number").asText(), "ZZ")));
                }
            }
        }
        return out;
    }

    /** The value of one sample line of the Prometheus text ({@code name{tags} value}); -1 when absent. */
    private static long metric(String text, String sample) {
        return text.lines().filter(l -> l.startsWith(sample + " ")).findFirst()
                .map(l -> (long) Double.parseDouble(l.substring(sample.length() + 1).strip())).orElse(-1L);
    }

    /** Records with a value (not keep-alives) on a topic, read_committed: what was written, whatever was deleted since. */
    private static long values(EmbeddedKafka kafka, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long[] n = {0};
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                c, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            io.cdrpipeline.config.TopicReader.readWhole(consumer, topic, r -> {
                if (r.value() != null) {
                    n[0]++;
                }
            });
        }
        return n[0];
    }

    /** Keys of a compacted topic whose latest value is a record (keep-alives are tombstones: never alive). */
    private static long alive(EmbeddedKafka kafka, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Boolean> latest = new HashMap<>();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                c, new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            io.cdrpipeline.config.TopicReader.readWhole(consumer, topic, r -> latest.put(
                    new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), r.value() != null));
        }
        return latest.values().stream().filter(v -> v).count();
    }

    private HttpResponse<String> get(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
