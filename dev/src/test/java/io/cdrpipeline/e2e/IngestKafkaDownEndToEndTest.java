package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.produce.HttpIngest;
import io.cdrpipeline.produce.RawProducer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

/**
 * The HTTP ingest on a real broker that goes away (issue 14): a post is answered 200 only once
 * Kafka has the record; with the broker gone the same post gets 503 ("retry"), so FreeSWITCH keeps
 * the CDR and posts it again — nothing is acknowledged that Kafka does not have. (How fast the 503
 * comes is the producer's delivery timeout, set short here; issue 10 is about making that the default.)
 */
class IngestKafkaDownEndToEndTest {

    private static final Path WORK = Path.of("target", "ingest-down-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldAnswer503WhileKafkaIsDown() throws Exception {
        EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of());
        boolean down = false;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("http.raw", 1, (short) 1))).all().get();
        }
        String doc = new String(SampleCorpus.files().stream().filter(f -> f.path().contains("a_7f4d")).findFirst()
                .orElseThrow().bytes(), StandardCharsets.UTF_8);
        HttpClient http = HttpClient.newHttpClient();
        String auth = "Basic " + Base64.getEncoder().encodeToString("fs:s3cret-of-fs-lon".getBytes(StandardCharsets.UTF_8));
        Map<String, String> fast = Map.of("delivery.timeout.ms", "6000", "request.timeout.ms", "2000",
                "max.block.ms", "3000", "linger.ms", "0");
        try (RawProducer producer = new RawProducer(kafka.bootstrapServers(), "http.raw", fast);
                HttpIngest ingest = new HttpIngest(io.cdrpipeline.produce.IngestSettings.loopback("fs-lon", 8192, "fs:s3cret-of-fs-lon")
                        .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(5)), producer)) {
            HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ingest.port() + "/cdr?source=fs-lon"))
                    .header("Authorization", auth).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(doc)).build();
            assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).as("Kafka up").isEqualTo(200);

            kafka.close();
            down = true;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                HttpResponse<String> r = http.send(post, HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("Kafka down").isEqualTo(503);
                assertThat(r.body()).contains("retry");
            });
        } finally {
            if (!down) {
                kafka.close();
            }
        }
    }
}
