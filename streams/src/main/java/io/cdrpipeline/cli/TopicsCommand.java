package io.cdrpipeline.cli;

import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.app.StrimziResources;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.topology.TopicSpecs;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.cdrpipeline.app.ClusterChecks;
import io.cdrpipeline.catalogue.Role;

/** Shows, or with --apply creates and aligns, the topics the pipeline owns. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "Show the pipeline's topics and their configs against the cluster; --apply creates or aligns them; "
                + "--strimzi prints them as KafkaTopic resources.")
final class TopicsCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions kafka;

    @Option(names = "--apply", description = "Create missing topics and align configs that differ.")
    boolean apply;

    @Option(names = "--strimzi", paramLabel = "CLUSTER",
            description = "Print the topics as Strimzi KafkaTopic resources of this Kafka cluster (kubectl apply -f -); "
                    + "contacts no cluster.")
    String strimzi;

    @Option(names = "--namespace", paramLabel = "NS", description = "With --strimzi: the resources' namespace.")
    String namespace;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = kafka.load();
        if (strimzi != null) {
            if (apply) {
                throw new IllegalArgumentException("--strimzi prints resources for Strimzi's Topic Operator to apply; "
                        + "give it or --apply, not both");
            }
            System.out.print(StrimziResources.yaml(StrimziResources.topics(TopicSpecs.all(config, RetentionPolicy.of(config)),
                    strimzi, namespace)));
            return 0;
        }
        ClusterChecks.awaitCluster(config);
        try (Admin admin = Admin.create(ClusterChecks.adminProps(config))) {
            if (apply) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.of(config))).forEach(System.out::println);
            }
            TopicAdmin.plan(admin, TopicSpecs.all(config, RetentionPolicy.of(config))).forEach(System.out::println);
        } catch (Exception e) {
            RuntimeException refused = ClusterChecks.refusal(config, Role.OPS,
                    apply ? "creating or altering topics" : "describing topics",
                    TopicSpecs.all(config, RetentionPolicy.of(config)).stream().map(t -> t.name()).toList(), e);
            throw refused != null ? refused : e;
        }
        return 0;
    }
}
