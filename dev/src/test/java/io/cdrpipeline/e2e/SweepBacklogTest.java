package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * A backlog of a few hundred thousand expired index entries on a real broker: ingest under a
 * year-long window, then restart under a policy that puts every entry past its window. The
 * sweeps must re-date and drain them in bounded steps — no transaction timeout, hence no
 * rebalance — and the rate is reported.
 */
class SweepBacklogTest {

    private static final int CDRS = Integer.getInteger("backlog.cdrs", 125_000);
    private static final Path WORK = Path.of("target", "backlog-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldDrainAHugeBacklogInBoundedStepsWithoutARebalance() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "application.id", "cdr-backlog", "state.dir", WORK.resolve("state").toString(),
                    "source.pbx-synth.region", "DE", "source.pbx-synth.zone", "UTC", "source.pbx-synth.format", "asterisk-csv"));
            RetentionPolicy keep = RetentionPolicy.parse("version: 1\nsweep-interval: 1s\n"
                    + "windows: {billing: 365d, analytics: 365d}\n", "keep");
            RetentionPolicy shorten = RetentionPolicy.parse("version: 2\nsweep-interval: 1s\nsweep-max-records: 10000\n"
                    + "windows: {billing: 1d, analytics: 1d}\n", "shorten");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, keep));
            }
            KeyRing keys = KeyRing.random("b", Instant.EPOCH);

            long ingestStart = System.nanoTime();
            try (PipelineApp app = Pipelines.app(config, keys, keep);
                    RawProducer producer = new RawProducer(kafka.bootstrapServers(), "cdr.raw", Map.of())) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                TrafficGenerator gen = new TrafficGenerator(3, 20_000, 1.1, 0, 0);
                for (int i = 0; i < CDRS; i++) {
                    producer.send(gen.next(), CdrFormat.ASTERISK_CSV, "pbx-synth", null, 0);
                }
                producer.flush();
                await().atMost(Duration.ofMinutes(5)).until(() -> app.metrics().pseudonymized() >= CDRS);
            }
            double ingestSecs = (System.nanoTime() - ingestStart) / 1e9;

            try (PipelineApp app = Pipelines.app(config, keys, shorten)) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(120));
                long t0 = System.nanoTime();
                RetentionMetrics m = app.retentionMetrics();
                await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(200))
                        .until(() -> m.deleted(DataClass.BILLING) + m.deleted(DataClass.ANALYTICS) >= 2L * CDRS);
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("backlog: %d CDRs ingested in %.1f s; %d expired records (one index entry per CDR) "
                        + "deleted in %.1f s = %.0f tombstones/s over %d sweep steps; rebalances %d%n", CDRS, ingestSecs, 2L * CDRS, secs,
                        2L * CDRS / secs, m.sweeps(), app.rebalancesSinceRunning());
                assertThat(m.deleted(DataClass.BILLING)).isEqualTo(CDRS);
                assertThat(m.deleted(DataClass.ANALYTICS)).isEqualTo(CDRS);
                assertThat(app.rebalancesSinceRunning()).as("no transaction timeout, no rebalance").isZero();
                assertThat(m.sweeps()).as("bounded steps of at most 10,000 entries (one per CDR)")
                        .isGreaterThanOrEqualTo(CDRS / 10_000);
                assertThat(m.largestStep()).isLessThanOrEqualTo(10_000);
            }
        }
    }
}
