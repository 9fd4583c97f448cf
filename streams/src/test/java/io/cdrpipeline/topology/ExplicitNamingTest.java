package io.cdrpipeline.topology;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.errors.TopologyException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The application runs with Kafka 4.4's explicit internal naming (KIP-1111): a store or internal
 * topic left to an automatic name — which changes when the topology changes, losing a changelog or
 * renaming the repartition topic the privacy map labels — stops the pipeline at start. The shipped
 * topology names every one.
 */
class ExplicitNamingTest {

    private final PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", "x:1"));

    @Test
    void theShippedTopologyNamesEveryStoreAndInternalTopic(@TempDir Path state) {
        Properties props = props(state);
        assertThatCode(() -> new TopologyTestDriver(Pipelines.topology(config, KeyRing.random("t", Instant.EPOCH),
                RetentionPolicy.defaults(), new IngestMetrics(), new RetentionMetrics()), props).close())
                .doesNotThrowAnyException();
    }

    @Test
    void anAutomaticallyNamedRepartitionIsRefused(@TempDir Path state) {
        StreamsBuilder b = IngestTopology.builder(config);
        b.stream("in", Consumed.with(Serdes.String(), Serdes.String()).withName("in-source"))
                .selectKey((k, v) -> v, Named.as("rekey"))
                .repartition()
                .to("out", Produced.with(Serdes.String(), Serdes.String()).withName("out-sink"));
        assertThatThrownBy(() -> new TopologyTestDriver(b.build(), props(state)))
                .isInstanceOf(TopologyException.class).hasMessageContaining("has not been named");
    }

    private Properties props(Path state) {
        Properties props = PipelineApp.streamsProperties(config, RetentionPolicy.defaults());
        props.put("state.dir", state.toString());
        return props;
    }
}
