package io.cdrpipeline.e2e;

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
import io.cdrpipeline.retention.RetentionPolicies;
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
            PipelineConfig config = PipelineConfig.of(settings);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicies.load(config)));
            }
            try (PipelineApp app = new PipelineApp(config, KeyRing.random("ops", Instant.EPOCH))) {
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

                String metrics = get(ops, "/metrics").body();
                assertThat(metrics).contains("cdr_records_in_total 33.0", "cdr_records_rejected_total{reason=\"impossible\"} 2.0",
                        "cdr_records_duplicates_total 2.0", "cdr_sweep_backlog", "cdr_tombstones_total{class=\"billing\"}",
                        "kafka_stream_");
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
        }
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).hasSizeGreaterThan(10);
        for (String number : List.of("4930123456", "49891234567", "3012345678", "4915123456789", "33612345678",
                "442071838750", "447400123456", "12015550123", "1701234567", "0612345678")) {
            assertThat(lines).as("no log line carries a number").noneMatch(l -> l.contains(number));
        }
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
