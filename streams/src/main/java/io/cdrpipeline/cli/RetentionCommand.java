package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.InternalTopic;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Sensitivity;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.DeletionBound;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.Topics;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.cdrpipeline.app.ClusterChecks;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.charset.StandardCharsets;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

/** {@code retention check} (is every owned topic's worst-case erasure within the policy?) and {@code retention report}. */
@Command(name = "retention", mixinStandardHelpOptions = true, description = "Check and report on retention and deletion.",
        subcommands = {RetentionCommand.Check.class, RetentionCommand.Report.class})
final class RetentionCommand {

    static Admin admin(PipelineConfig config) {
        return Admin.create(KafkaClients.admin(config));
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Compute, per topic the pipeline owns (internal ones included), the worst-case time from window "
                    + "close to physical deletion; exit 1 if any exceeds the policy's max-erasure-delay.")
    static final class Check implements Callable<Integer> {

        @Mixin
        ConfigOptions kafka;

        @Override
        public Integer call() throws Exception {
            PipelineConfig config = kafka.load();
            RetentionPolicy policy = RetentionPolicy.of(config);   // a bad policy stops before the cluster is asked
            ClusterChecks.awaitCluster(config);
            try (Admin admin = admin(config)) {
                Map<String, DeletionBound.Kind> owned = ownedTopics(config, admin.listTopics().names().get());
                Map<String, String> broker = new HashMap<>(brokerConfigs(admin));
                String purge = config.kafkaClientSettings().get("repartition.purge.interval.ms");
                broker.put("repartition.purge.interval.ms", purge != null ? purge
                        : Long.toString(TopicSpecs.purgeInterval(policy)));
                List<ConfigResource> resources = owned.keySet().stream()
                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
                Map<ConfigResource, Config> configs = new HashMap<>();
                List<String> refused = new ArrayList<>();
                for (var f : admin.describeConfigs(resources).values().entrySet()) {
                    try {
                        configs.put(f.getKey(), f.getValue().get());
                    } catch (ExecutionException e) {
                        if (!(e.getCause() instanceof AuthorizationException)) {
                            throw e;
                        }
                        refused.add(f.getKey().name());
                    }
                }
                if (!refused.isEmpty()) {
                    throw ClusterChecks.refusal(config, Role.OPS,
                            "describing the configs", new TopicAuthorizationException(
                                    new TreeSet<>(refused)));
                }
                boolean allOk = true;
                System.out.printf("policy version %d, max-erasure-delay %s%n", policy.version(), human(policy.maxErasureDelay()));
                for (var e : owned.entrySet()) {
                    Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, e.getKey()));
                    if (c == null) {
                        System.out.printf("MISSING  %-48s%n", e.getKey());
                        allOk = false;
                        continue;
                    }
                    DeletionBound.Finding f = DeletionBound.of(e.getKey(), e.getValue(), asMap(c.entries()), broker, policy);
                    allOk &= f.ok();
                    System.out.printf("%-8s %-48s %-13s worst %-10s  (%s)%n", f.ok() ? "OK" : "EXCEEDS", f.topic(), f.kind(),
                            human(f.worstCase()), f.why());
                }
                String cleanup = config.kafkaClientSettings().get("state.cleanup.delay.ms");
                DeletionBound.Finding local = DeletionBound.localStores(policy, cleanup != null ? Long.parseLong(cleanup)
                        : DeletionBound.stateCleanupDelay(policy));
                allOk &= local.ok();
                System.out.printf("%-8s %-48s %-13s worst %-10s  (%s)%n", local.ok() ? "OK" : "EXCEEDS", local.topic(),
                        local.kind(), human(local.worstCase()), local.why());
                return allOk ? 0 : 1;
            }
        }

        private static Map<String, DeletionBound.Kind> ownedTopics(PipelineConfig config, Collection<String> existing) {
            Map<String, DeletionBound.Kind> owned = new LinkedHashMap<>();
            for (OwnedTopic t : OwnedTopic.values()) {
                // Control topics (one partition: requests, holds, keys) are checked where they exist.
                if (t.configuredPartitions() || existing.contains(config.topic(t))) {
                    owned.put(config.topic(t), t.cleanup() == OwnedTopic.Cleanup.COMPACTED ? DeletionBound.Kind.COMPACTED
                            : t == OwnedTopic.AUDIT_CHECKPOINTS ? DeletionBound.Kind.CHECKPOINTS
                            : t.sensitivity() == Sensitivity.AUDIT ? DeletionBound.Kind.RECEIPTS
                            : t.sensitivity() == Sensitivity.ANONYMOUS ? DeletionBound.Kind.ANONYMOUS : DeletionBound.Kind.DELETE_BY_AGE);
                }
            }
            String prefix = config.applicationId() + "-";
            existing.stream().filter(t -> t.startsWith(prefix)).sorted().forEach(t -> owned.put(t,
                    InternalTopic.isRepartition(t) ? DeletionBound.Kind.REPARTITION : DeletionBound.Kind.COMPACTED));
            return owned;
        }

        private static Map<String, String> brokerConfigs(Admin admin) {
            try {
                String node = admin.describeCluster().nodes().get().iterator().next().idString();
                ConfigResource r = new ConfigResource(ConfigResource.Type.BROKER, node);
                return asMap(admin.describeConfigs(List.of(r)).all().get().get(r).entries());
            } catch (Exception e) {
                return Map.of();
            }
        }

        private static Map<String, String> asMap(Collection<ConfigEntry> entries) {
            Map<String, String> m = new HashMap<>();
            entries.forEach(e -> {
                if (e.value() != null) {
                    m.put(e.name(), e.value());
                }
            });
            return m;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Summarise the deletion receipts on the audit topic: per data class, records deleted and "
                    + "lateness behind window close (p50/p99/max; records that arrived after their window closed are "
                    + "counted apart), and legal holds in force.")
    static final class Report implements Callable<Integer> {

        @Mixin
        ConfigOptions kafka;

        @Override
        public Integer call() {
            PipelineConfig config = kafka.loadFor(Role.OPS, OwnedTopic.AUDIT, OwnedTopic.LEGAL_HOLDS);
            Map<String, Object> props = KafkaClients.consumer(config);
            ReceiptTally tally = new ReceiptTally();
            var serde = Topics.auditSerde();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                TopicReader.readWhole(consumer, config.topic(OwnedTopic.AUDIT), r -> {
                    if (r.value() != null) {
                        tally.add(serde.decode(r.value()));
                    }
                });
            }
            System.out.println("records deleted, by class and reason (receipts on " + config.topic(OwnedTopic.AUDIT) + ")");
            tally.print(System.out);
            System.out.printf("legal holds in force: %d%n", holdsInForce(config, props));
            return 0;
        }

        /** Live keys of the compacted holds topic, read to its end: placed and not released. */
        private static long holdsInForce(PipelineConfig config, Map<String, Object> props) {
            Map<String, Boolean> live = new HashMap<>();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                TopicReader.readWhole(consumer, config.topic(OwnedTopic.LEGAL_HOLDS), r ->
                        live.put(new String(r.key(), StandardCharsets.UTF_8), r.value() != null));
            }
            return live.values().stream().filter(v -> v).count();
        }

    }

    static String human(Duration d) {
        if (d.toMillis() == Long.MAX_VALUE || d.getSeconds() > 3_000L * 365 * 86_400) {
            return "never";
        }
        long s = d.getSeconds();
        if (s >= 86_400) {
            return String.format("%.1fd", s / 86_400.0);
        }
        if (s >= 3_600) {
            return String.format("%.1fh", s / 3_600.0);
        }
        if (s >= 60) {
            return String.format("%.1fm", s / 60.0);
        }
        return String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
