package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.demo.SampleCorpus;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * {@code cdr-pipeline ingest} as an operator starts it (its own JVM): refused without credentials,
 * refused with a credentials file others can read, and, with a private one, posts for the bound
 * switch stored, another switch refused; SIGTERM ends it.
 */
class IngestCommandTest {

    private static final Path WORK = Path.of("target", "ingest-cmd-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldStartOnlyWithPrivateBoundCredentialsAndServeThem() throws Exception {
        Files.createDirectories(WORK);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("cdr.raw", 1, (short) 1))).all().get();
            }
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            String base = "bootstrap.servers=" + kafka.bootstrapServers() + "\ningest.http.port=" + port
                    + "\ningest.http.bind=127.0.0.1\nsource.fs-lon.region=GB\nsource.fs-lon.zone=Europe/London\n";
            Path none = Files.writeString(WORK.resolve("none.properties"), base);
            Process refused = start(none, "none");
            assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(refused.exitValue()).isEqualTo(2);
            assertThat(Files.readString(WORK.resolve("none.log"))).contains("no credentials", "ingest.http.credentials.file");

            Path creds = Files.writeString(WORK.resolve("ingest.credentials"), "fs-lon:pw-of-london-7:fs-lon\n");
            Path conf = Files.writeString(WORK.resolve("ingest.properties"), base + "ingest.http.credentials.file=" + creds + "\n");
            Process loose = start(conf, "loose");
            assertThat(loose.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(loose.exitValue()).isEqualTo(2);
            assertThat(Files.readString(WORK.resolve("loose.log"))).contains("chmod 600 " + creds);

            Files.setPosixFilePermissions(creds, PosixFilePermissions.fromString("rw-------"));
            Process ingest = start(conf, "ingest");
            try {
                String doc = new String(SampleCorpus.files().stream().filter(f -> f.path().contains("a_7f4d")).findFirst()
                        .orElseThrow().bytes(), StandardCharsets.UTF_8);
                HttpClient http = HttpClient.newHttpClient();
                String auth = "Basic " + Base64.getEncoder().encodeToString("fs-lon:pw-of-london-7".getBytes(StandardCharsets.UTF_8));
                await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> post(http, port, "", auth, doc) == 200);
                assertThat(post(http, port, "?source=pbx-ber", auth, doc)).as("another switch").isEqualTo(403);
                assertThat(post(http, port, "", null, doc)).as("no credentials").isEqualTo(401);
            } finally {
                ingest.destroy();
                assertThat(ingest.waitFor(40, TimeUnit.SECONDS)).as("SIGTERM ends ingest").isTrue();
            }
        }
    }

    private static int post(HttpClient http, int port, String query, String auth, String doc) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/cdr" + query))
                .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(doc));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static Process start(Path conf, String name) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.cdrpipeline.cli.CdrPipelineCli",
                "ingest", "--config", conf.toString());
        pb.redirectErrorStream(true).redirectOutput(WORK.resolve(name + ".log").toFile());
        return pb.start();
    }
}
