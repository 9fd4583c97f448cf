package io.cdrpipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** Liveness of a pipeline that cannot start: no broker contact for the start-up timeout while not running. */
class HealthTest {

    @Test
    void aPipelineThatNeverReachesItsClusterStopsBeingLiveAfterTheStartupTimeout() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream("in", org.apache.kafka.streams.kstream.Consumed.with(Serdes.String(), Serdes.String())).to("out");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "health-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/health-test-" + System.nanoTime());
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        try (Health health = new Health(streams, Map.of("bootstrap.servers", "127.0.0.1:1"), Duration.ofSeconds(2))) {
            assertThat(health.status().live()).as("within the start-up timeout").isTrue();
            assertThat(health.status().ready()).isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> !health.status().live());
            assertThat(health.status().json()).contains("\"live\":false");
        } finally {
            streams.close(Duration.ofSeconds(5));
        }
    }
}
