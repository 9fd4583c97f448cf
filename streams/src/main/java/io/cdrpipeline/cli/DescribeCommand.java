package io.cdrpipeline.cli;

import io.cdrpipeline.topology.NumberCaches;
import io.cdrpipeline.state.PurgeableStoreRegistry;
import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.describe.MermaidDiagram;
import io.cdrpipeline.describe.PrivacyLint;
import io.cdrpipeline.describe.PrivacyMap;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.topology.IngestMetrics;
import io.cdrpipeline.topology.IngestTopology;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.TopologyDescription;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the topology, its privacy-annotated Mermaid diagram, and the privacy lint's verdict (exit 1 on a finding). */
@Command(name = "describe", mixinStandardHelpOptions = true,
        description = "Describe the topologies (Kafka's describe() and a Mermaid diagram annotated with data class and "
                + "retention) and run the privacy lint; exit 1 when it finds a leak path or a topic without retention.")
final class DescribeCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE")
    Path config;

    @Option(names = "--mermaid-only", description = "Print only the Mermaid diagram.")
    boolean mermaidOnly;

    @Override
    public Integer call() {
        PipelineConfig c = PipelineConfig.load(config, System.getenv());
        RetentionPolicy policy = RetentionPolicy.of(c);
        // Keys are not needed to describe the shape; a throwaway ring keeps the secrets out of it.
        KeyRing ring = KeyRing.random("describe", Instant.EPOCH);
        TopologyDescription d = IngestTopology.build(c, ring, policy, new IngestMetrics(), new RetentionMetrics(),
                NumberCaches.of(c), AuditKey.of(ring), new PurgeableStoreRegistry(c.get(Settings.STATE_TRANSACTIONAL)))
                .describe();
        PrivacyMap map = new PrivacyMap(c, policy);
        String mermaid = MermaidDiagram.render(d, map);
        if (mermaidOnly) {
            System.out.print(mermaid);
            return 0;
        }
        System.out.println(d);
        System.out.println("```mermaid\n" + mermaid + "```");
        List<String> problems = PrivacyLint.check(d, map);
        problems.forEach(p -> System.out.println("PRIVACY LINT: " + p));
        System.out.println(problems.isEmpty() ? "privacy lint: no findings" : "privacy lint: " + problems.size() + " finding(s)");
        return problems.isEmpty() ? 0 : 1;
    }
}
