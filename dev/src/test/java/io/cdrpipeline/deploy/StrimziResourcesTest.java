package io.cdrpipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cdrpipeline.app.AclPlan;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.TopicSpecs;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTransactionalIdResource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.junit.jupiter.api.Test;

/**
 * {@code topics --strimzi} and {@code acls --strimzi}: valid Strimzi resources (read strictly into
 * Strimzi's own model classes) that say what {@code --apply} does — the same topics, partitions,
 * replicas and configs, the same ACLs. Topics created from the KafkaTopic specs, as the Topic
 * Operator would, pass {@code retention check}.
 */
class StrimziResourcesTest {

    private static final Path WORK = Path.of("target", "strimzi-" + System.nanoTime()).toAbsolutePath();

    @Test
    void kafkaTopicsCarryTheCatalogueAndPassRetentionCheckOnABroker() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Files.createDirectories(WORK);
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, "bootstrap.servers=" + kafka.bootstrapServers() + "\napplication.id=cdr-pipeline\n"
                    + "topic.partitions=3\ntopic.replication.factor=1\nsource.pbx.region=DE\nsource.pbx.zone=Europe/Berlin\n");
            List<JsonNode> docs = StrictModels.documents(cli("topics", "--config", conf.toString(), "--strimzi", "my-cluster",
                    "--namespace", "telco"));
            PipelineConfig config = PipelineConfig.load(conf, Map.of());
            List<NewTopic> expected = TopicSpecs.all(config, RetentionPolicy.of(config));
            assertThat(docs).hasSameSizeAs(expected);
            List<NewTopic> fromResources = new ArrayList<>();
            for (JsonNode doc : docs) {
                KafkaTopic t = StrictModels.read(doc, KafkaTopic.class);
                assertThat(t.getApiVersion()).isEqualTo("kafka.strimzi.io/v1beta2");
                assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "my-cluster");
                assertThat(t.getMetadata().getNamespace()).isEqualTo("telco");
                String name = t.getSpec().getTopicName() != null ? t.getSpec().getTopicName() : t.getMetadata().getName();
                Map<String, String> configs = new HashMap<>();
                t.getSpec().getConfig().forEach((k, v) -> configs.put(k, String.valueOf(v)));
                fromResources.add(new NewTopic(name, Optional.of(t.getSpec().getPartitions()),
                        Optional.of((short) (int) t.getSpec().getReplicas())).configs(configs));
            }
            for (NewTopic want : expected) {
                NewTopic got = fromResources.stream().filter(t -> t.name().equals(want.name())).findFirst().orElseThrow();
                assertThat(got.numPartitions()).as(want.name()).isEqualTo(want.numPartitions());
                assertThat(got.replicationFactor()).as(want.name()).isEqualTo(want.replicationFactor());
                assertThat(got.configs()).as(want.name()).isEqualTo(want.configs());
            }
            // The Topic Operator creates exactly these; the deletion bound then holds.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(fromResources).all().get();
            }
            assertThat(CdrPipelineCli.execute("retention", "check", "--config", conf.toString())).isZero();
            // And `topics` (no --apply) finds nothing to align.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                assertThat(TopicAdmin.plan(admin, expected)).isNotEmpty().allSatisfy(line -> assertThat(line).startsWith("OK "));
            }
        }
    }

    @Test
    void kafkaUsersCarryExactlyTheAclsOfApply() throws Exception {
        Files.createDirectories(WORK);
        Path conf = WORK.resolve("acls.properties");
        Files.writeString(conf, "bootstrap.servers=unused:9092\napplication.id=cdr-pipeline\n");
        Map<String, String> principals = Map.of("pipeline", "User:cdr", "producer", "User:switch", "billing", "User:billing",
                "analyst", "User:analyst", "ops", "User:dpo");
        List<String> args = new ArrayList<>(List.of("acls", "--config", conf.toString(), "--strimzi", "my-cluster"));
        principals.forEach((role, p) -> args.addAll(List.of("--principal", role + "=" + p)));
        String yaml = cli(args.toArray(String[]::new));
        Set<String> got = new HashSet<>();
        Set<String> users = new HashSet<>();
        for (JsonNode doc : StrictModels.documents(yaml)) {
            KafkaUser u = StrictModels.read(doc, KafkaUser.class);
            users.add(u.getMetadata().getName());
            assertThat(u.getSpec().getAuthentication().getType()).isEqualTo("scram-sha-512");
            var authorization = (KafkaUserAuthorizationSimple) u.getSpec().getAuthorization();
            for (AclRule rule : authorization.getAcls()) {
                var r = rule.getResource();
                String resource = switch (r.getType()) {
                    case "topic" -> "TOPIC " + pattern(rule) + " " + ((AclRuleTopicResource) r).getName();
                    case "group" -> "GROUP " + pattern(rule) + " " + ((AclRuleGroupResource) r).getName();
                    case "transactionalId" -> "TRANSACTIONAL_ID " + pattern(rule) + " "
                            + ((AclRuleTransactionalIdResource) r).getName();
                    case "cluster" -> "CLUSTER LITERAL kafka-cluster";
                    default -> throw new AssertionError(r.getType());
                };
                for (var op : rule.getOperations()) {
                    got.add("User:" + u.getMetadata().getName() + " " + op.name().toUpperCase(Locale.ROOT) + " " + resource);
                }
            }
        }
        Map<Role, String> byRole = new HashMap<>();
        principals.forEach((role, p) -> byRole.put(Role.valueOf(role.toUpperCase(Locale.ROOT)), p));
        Set<String> want = new HashSet<>();
        for (AclBinding b : AclPlan.bindings(PipelineConfig.load(conf, Map.of()), byRole)) {
            want.add(b.entry().principal() + " " + b.entry().operation().name().replace("_", "") + " "
                    + b.pattern().resourceType() + " " + b.pattern().patternType() + " " + b.pattern().name());
        }
        assertThat(users).containsExactlyInAnyOrder("cdr", "switch", "billing", "analyst", "dpo");
        assertThat(got).isEqualTo(want);
    }

    @Test
    void refusesNamesKubernetesWouldRefuse() throws Exception {
        Files.createDirectories(WORK);
        Path conf = WORK.resolve("names.properties");
        Files.writeString(conf, "bootstrap.servers=unused:9092\n");
        assertThat(CdrPipelineCli.execute("topics", "--config", conf.toString(), "--strimzi", "My_Cluster")).isEqualTo(2);
        assertThat(CdrPipelineCli.execute("topics", "--config", conf.toString(), "--strimzi", "")).isEqualTo(2);
        assertThat(CdrPipelineCli.execute("topics", "--config", conf.toString(), "--strimzi", "c", "--apply")).isEqualTo(2);
        assertThat(CdrPipelineCli.execute("acls", "--config", conf.toString(), "--strimzi", "c", "--principal",
                "pipeline=User:CN=Cdr,O=x")).isEqualTo(2);
        assertThat(CdrPipelineCli.execute("acls", "--config", conf.toString(), "--strimzi", "c", "--strimzi-authentication",
                "plain", "--principal", "pipeline=User:cdr")).isEqualTo(2);
    }

    /** Strimzi spells a pattern prefix/literal; Kafka PREFIXED/LITERAL. */
    private static String pattern(AclRule rule) {
        var r = rule.getResource();
        Object type = null;
        if (r instanceof AclRuleTopicResource t) {
            type = t.getPatternType();
        } else if (r instanceof AclRuleGroupResource g) {
            type = g.getPatternType();
        } else if (r instanceof AclRuleTransactionalIdResource x) {
            type = x.getPatternType();
        }
        return String.valueOf(type).equalsIgnoreCase("prefix") ? "PREFIXED" : "LITERAL";
    }

    /** Runs the CLI in this JVM and returns what it printed. */
    static String cli(String... args) {
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(CdrPipelineCli.execute(args)).as(String.join(" ", args)).isZero();
        } finally {
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
