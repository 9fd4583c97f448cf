package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.OutputTally;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.produce.CdrFiles;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The pipeline against the official Apache Kafka image; needs a Docker engine, so it runs only with {@code mvn -Pdocker verify -pl dev}. */
@Testcontainers
class OfficialImageTest {

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.4.0");

    @Test
    void shouldRunThePipelineAgainstTheOfficialImage() throws Exception {
        Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
        settings.put("bootstrap.servers", KAFKA.getBootstrapServers());
        settings.put("application.id", "cdr-image");
        Path work = Path.of("target", "image-" + System.nanoTime()).toAbsolutePath();
        settings.put("state.dir", work.resolve("state").toString());
        settings.put("retention.policy.file", SampleCorpus.writeRetentionPolicy(work).toString());
        PipelineConfig config = PipelineConfig.of(settings);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers()))) {
            TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.of(config)));
        }
        try (PipelineApp app = Pipelines.app(config, KeyRing.random("img", Instant.EPOCH));
                RawProducer producer = new RawProducer(KAFKA.getBootstrapServers(), "cdr.raw", Map.of())) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(120));
            long[] sent = {0};
            for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
                CdrFiles.split(f.bytes(), f.format(), p -> {
                    producer.send(p.bytes(), f.format(), f.source(), f.path(), p.position());
                    sent[0]++;
                });
            }
            producer.flush();
            try (OutputTally tally = new OutputTally(config)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> tally.readUntil(() -> tally.billingRecords()
                        + tally.rejected() + app.metrics().duplicates() == sent[0], Duration.ofSeconds(1)));
                assertThat(tally.analyticsRecords()).isEqualTo(tally.billingRecords());
            }
        }
    }
}
