package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdrpipeline.app.PipelineRuntime;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.deploy.Promtool;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.TopicSpecs;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Issue 25: what Kubernetes does to the pipeline's StatefulSet, on the broker. Two instances in
 * master-key mode with a standby each, as the chart runs them. Scale in: instance b stops and its
 * state directory is deleted, as {@code persistentVolumeClaimRetentionPolicy: Delete} deletes its
 * claim; a resends meanwhile. Scale out: b comes back with an empty directory under the same pod
 * name. No CDR is lost or billed twice, resends stay dropped, and {@code retention check} holds.
 * The instances' /metrics then pass {@code promtool check metrics}, and every metric the alert
 * rules and the Grafana dashboard name is in them.
 */
class ScaleInAndOutEndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-scale-" + System.nanoTime()).toAbsolutePath();
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

    @Test
    void shouldLoseAndDuplicateNothingWhenAnInstanceAndItsVolumeGoAndComeBack() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Files.createDirectories(WORK);
            Path policyFile = WORK.resolve("policy.yaml");
            Files.writeString(policyFile, "version: 1\nsweep-interval: 1s\n"
                    + "windows: {raw: 1d, rejected: 1d, billing: 3650d, analytics: 3650d, audit: 400d}\n");
            Map<String, String> ops = new HashMap<>();
            ops.put("bootstrap.servers", kafka.bootstrapServers());
            ops.put("application.id", "cdr-scale");
            ops.put("retention.policy.file", policyFile.toString());
            ops.put("topic.partitions", "4");
            ops.put("source.pbx.region", "DE");
            ops.put("source.pbx.zone", "Europe/Berlin");
            Path opsConf = WORK.resolve("ops.properties");
            Files.writeString(opsConf, ops.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .reduce("", String::concat));
            byte[] master = new byte[32];
            new SecureRandom().nextBytes(master);
            Path masterFile = WORK.resolve("master.key");
            Files.writeString(masterFile, Base64.getEncoder().encodeToString(master) + "\n");
            Files.setPosixFilePermissions(masterFile, PosixFilePermissions.fromString("r--------"));
            PipelineConfig a = instance(ops, masterFile, "cdr-pipeline-0");
            PipelineConfig b = instance(ops, masterFile, "cdr-pipeline-1");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(a, RetentionPolicy.load(policyFile)));
            }
            List<String> first = cdrs(0, 200);
            List<String> second = cdrs(200, 200);
            List<String> third = cdrs(400, 200);
            try (PipelineRuntime runA = PipelineRuntime.start(a); RawProducer producer = new RawProducer(a)) {
                PipelineRuntime runB = PipelineRuntime.start(b);
                try {
                    await().atMost(Duration.ofSeconds(90)).until(() -> runA.state() == KafkaStreams.State.RUNNING
                            && runB.state() == KafkaStreams.State.RUNNING);
                    send(producer, first);
                    await().atMost(Duration.ofSeconds(60)).until(() -> billing(kafka.bootstrapServers()).size() == 200);
                    assertThat(Files.list(WORK.resolve("state-cdr-pipeline-1")).count()).as("b holds state").isPositive();
                } finally {
                    runB.close();
                }
                // Scale in: the claim goes with the pod.
                deleteTree(WORK.resolve("state-cdr-pipeline-1"));
                send(producer, second);
                send(producer, first);
                await().atMost(Duration.ofSeconds(90)).until(() -> billing(kafka.bootstrapServers()).size() == 400);

                // Scale out: the same pod name, a new empty claim.
                try (PipelineRuntime again = PipelineRuntime.start(b)) {
                    await().atMost(Duration.ofSeconds(90)).until(() -> runA.state() == KafkaStreams.State.RUNNING
                            && again.state() == KafkaStreams.State.RUNNING);
                    send(producer, third);
                    send(producer, second);
                    send(producer, first);
                    await().atMost(Duration.ofSeconds(90)).until(() -> billing(kafka.bootstrapServers()).size() == 600);
                    // Every resend is dropped: 200 × 3 copies, counted by the instance that met them.
                    await().atMost(Duration.ofSeconds(60)).until(() -> counter(runA, "cdr_records_in_total")
                            + counter(again, "cdr_records_in_total") >= 600);
                    Map<String, List<byte[]>> written = billing(kafka.bootstrapServers());
                    assertThat(written).as("each of the 600 CDRs billed").hasSize(600);
                    assertThat(written.values()).as("and billed once: no key written twice")
                            .allSatisfy(values -> assertThat(values).hasSize(1));
                    assertThat(alive(kafka.bootstrapServers(), "cdr.analytics")).hasSize(600);
                    assertThat(CdrPipelineCli.execute("retention", "check", "--config", opsConf.toString())).isZero();

                    // Per-partition series (records-lag) appear once Micrometer re-lists Kafka's metrics (10 s).
                    await().atMost(Duration.ofSeconds(30)).until(() -> (scrape(runA.opsPort()) + scrape(again.opsPort()))
                            .contains("kafka_consumer_fetch_manager_records_lag{"));
                    metricsContract(scrape(runA.opsPort()), scrape(again.opsPort()));
                }
            }
        }
    }

    /**
     * The /metrics of a real run in master-key mode: valid exposition text by promtool's lint, and
     * home to every series the alert rules and the dashboard query.
     */
    private static void metricsContract(String... instances) throws Exception {
        Path dir = WORK.resolve("metrics");
        Files.createDirectories(dir);
        Set<String> served = new TreeSet<>();
        Promtool promtool = Promtool.require();
        for (int i = 0; i < instances.length; i++) {
            Files.writeString(dir.resolve("instance-" + i + ".txt"), instances[i]);
            Promtool.Result lint = promtool.run(dir, instances[i], "check", "metrics");
            // Parse errors fail; lint findings fail for our metrics (cdr_*). The binders' metrics keep their
            // libraries' names — Kafka's (io_time_ns_avg, connection_count, …) and Micrometer's standard
            // process_cpu_time_ns_total, system_cpu_count — which promtool's naming lint dislikes.
            assertThat(lint.output()).as("promtool check metrics").doesNotContain("error while linting", "parsing error");
            assertThat(lint.output().lines().filter(l -> l.startsWith("cdr_")).toList())
                    .as("promtool check metrics, our metrics").isEmpty();
            assertThat(lint.output().lines().filter(l -> !l.isBlank()).map(l -> l.split("[ _]")[0]).distinct().toList())
                    .as("lint findings only on the binders' metrics").isSubsetOf("kafka", "process", "system", "jvm");
            for (String line : instances[i].split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    served.add(line.split("[{ ]")[0]);
                }
            }
        }
        served.add("up");  // Prometheus' own, per scrape target
        Set<String> named = new TreeSet<>(metricNames(Files.readString(DEPLOY.resolve("prometheus/cdr-pipeline.rules.yaml"))));
        assertThat(named).as("the rules name metrics").contains("cdr_key_epochs_overdue", "kafka_stream_failed_stream_threads_total");
        JsonNode dashboard = new ObjectMapper().readTree(DEPLOY.resolve("grafana/cdr-pipeline.json").toFile());
        Set<String> panels = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                panels.addAll(metricNames(target.get("expr").asText()));
            }
        }
        named.addAll(panels);
        assertThat(served).as("every metric the rules and the dashboard name is served").containsAll(named);
    }

    /** Series names in PromQL: identifiers followed by a selector, a range or a closing bracket, not functions. */
    private static Set<String> metricNames(String promql) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\b(up|(?:cdr|kafka|jvm|process)_[a-z_]+)\\s*(\\{|\\[|\\)|\\s==|$)").matcher(promql);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    private static PipelineConfig instance(Map<String, String> ops, Path masterFile, String pod) {
        Map<String, String> c = new HashMap<>(ops);
        c.put("pseudonym.master.key.file", masterFile.toString());
        c.put("state.dir", WORK.resolve("state-" + pod).toString());
        c.put("kafka.group.instance.id", pod);
        c.put("kafka.num.standby.replicas", "1");
        c.put("ops.port", "0");
        c.put("ops.bind", "127.0.0.1");
        return PipelineConfig.of(c);
    }

    /** {@code count} answered calls of an Asterisk switch in Berlin, each with its own uniqueid, from {@code from}. */
    private static List<String> cdrs(int from, int count) {
        DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
        List<String> lines = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            Instant begin = Instant.parse("2026-11-02T08:00:00Z").plusSeconds(37L * i);
            String dst = "030" + (1000000 + i * 7);
            lines.add(String.join(",", "\"\"", "\"" + (200 + i % 50) + "\"", "\"0" + dst + "\"", "\"from-internal\"",
                    "\"\"", "\"PJSIP/a-1\"", "\"PJSIP/b-2\"", "\"Dial\"", "\"\"", "\"" + f.format(begin) + "\"",
                    "\"" + f.format(begin.plusSeconds(4)) + "\"", "\"" + f.format(begin.plusSeconds(64)) + "\"", "64", "60",
                    "\"ANSWERED\"", "\"BILLING\"", "\"1793606400." + i + "\"", "\"\""));
        }
        return lines;
    }

    private static void send(RawProducer producer, List<String> lines) {
        lines.forEach(l -> producer.send(l.getBytes(StandardCharsets.UTF_8), CdrFormat.ASTERISK_CSV, "pbx", null, 0));
        producer.flush();
    }

    /** Billing keys to every value written under them (tombstones and keep-alives left out), read_committed. */
    private static Map<String, List<byte[]>> billing(String bootstrap) {
        Map<String, List<byte[]>> m = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            TopicReader.readWhole(c, "cdr.billing", r -> {
                if (!KeepAlive.isKeepAlive(r.key()) && r.value() != null) {
                    m.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>()).add(r.value());
                }
            });
        }
        return m;
    }

    private static Set<String> alive(String bootstrap, String topic) {
        Map<String, Boolean> m = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            TopicReader.readWhole(c, topic, r -> {
                if (!KeepAlive.isKeepAlive(r.key())) {
                    m.put(new String(r.key(), StandardCharsets.UTF_8), r.value() != null);
                }
            });
        }
        Set<String> out = new TreeSet<>();
        m.forEach((k, v) -> {
            if (v) {
                out.add(k);
            }
        });
        return out;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static String scrape(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double counter(PipelineRuntime run, String name) throws Exception {
        for (String line : scrape(run.opsPort()).split("\n")) {
            if (line.startsWith(name + " ")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
