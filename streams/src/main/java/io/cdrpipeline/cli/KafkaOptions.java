package io.cdrpipeline.cli;

import io.cdrpipeline.config.PipelineConfig;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/** Where the cluster is and, optionally, the pipeline config whose topic names and kafka.* client settings to use. */
final class KafkaOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the config file).")
    String bootstrapServer;

    @Option(names = "--config", paramLabel = "FILE", description = "Pipeline config file (topic names, kafka.* client settings).")
    Path config;

    PipelineConfig load() {
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        if (bootstrapServer != null) {
            c = c.with(Map.of("bootstrap.servers", bootstrapServer));
        }
        if (c.get("bootstrap.servers").isBlank()) {
            throw new IllegalArgumentException("--bootstrap-server is required (or bootstrap.servers in --config)");
        }
        return c;
    }
}
