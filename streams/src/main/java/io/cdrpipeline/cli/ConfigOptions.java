package io.cdrpipeline.cli;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.app.ClusterChecks;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.config.PipelineConfig;
import org.apache.kafka.common.acl.AclOperation;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;
import java.util.LinkedHashMap;
import java.util.Set;

/** Where the cluster is and, optionally, the pipeline config whose topic names and kafka.* client settings to use. */
final class ConfigOptions {

    @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers (overrides the config file).")
    String bootstrapServer;

    @Option(names = "--config", paramLabel = "FILE", description = "Pipeline config file (topic names, kafka.* client settings).")
    Path config;

    /**
     * The configuration, once the cluster has answered within {@code startup.timeout} and granted
     * {@code role} what it needs on each of {@code topics} (as the catalogue gives that role): a dead
     * cluster, a missing topic and a refused right are each told apart, naming what fixes them.
     */
    PipelineConfig loadFor(Role role, OwnedTopic... topics) {
        PipelineConfig c = load();
        Map<String, Set<AclOperation>> needs = new LinkedHashMap<>();
        for (OwnedTopic t : topics) {
            needs.put(c.topic(t), ClusterChecks.rights(t, role));
        }
        ClusterChecks.require(c, role, needs);
        return c;
    }

    PipelineConfig load() {
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        if (bootstrapServer != null) {
            c = c.with(Map.of("bootstrap.servers", bootstrapServer));
        }
        if (c.get(Settings.BOOTSTRAP_SERVERS).isBlank()) {
            throw new IllegalArgumentException("--bootstrap-server is required (or bootstrap.servers in --config)");
        }
        return c;
    }
}
