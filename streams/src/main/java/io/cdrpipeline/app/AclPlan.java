package io.cdrpipeline.app;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.config.PipelineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import java.util.Locale;

/**
 * Who may do what on the cluster: the ACLs each kind of user needs, and nothing more. One
 * definition for {@code cdr-pipeline acls} (which prints or applies them), the table of docs/operations.md
 * (a test compares them) and the secured-cluster test (which applies them and then checks that
 * analysts are refused everywhere but the analytics stream).
 */
public final class AclPlan {

    /** One grant: operations on a resource (a name, or every name with that prefix). */
    public record Grant(Role role, ResourceType type, String name, PatternType pattern, List<AclOperation> operations) {

        String describe() {
            String what = switch (type) {
                case TOPIC -> "topic";
                case GROUP -> "group";
                case TRANSACTIONAL_ID -> "transactional id";
                case CLUSTER -> "cluster";
                default -> type.name().toLowerCase(Locale.ROOT);
            };
            String ops = operations.stream().map(Grant::camel).collect(Collectors.joining(", "));
            String target = type == ResourceType.CLUSTER ? "" : " `" + name + (pattern == PatternType.PREFIXED ? "*" : "") + "`";
            return ops + " " + what + target;
        }

        /** {@code IDEMPOTENT_WRITE} as Kafka's documentation writes it: {@code IdempotentWrite}. */
        private static String camel(AclOperation op) {
            StringBuilder out = new StringBuilder();
            for (String part : op.name().split("_")) {
                out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
            }
            return out.toString();
        }
    }

    /** Group prefix of {@code cdr-pipeline consume}. */
    public static final String CONSUME_GROUP_PREFIX = "cdr-pipeline-consume-";

    private AclPlan() {
    }

    /** Per role: the topics the catalogue lets it read, then write, then its groups and the rest. */
    public static List<Grant> grants(PipelineConfig c) {
        String app = c.applicationId();
        List<Grant> g = new ArrayList<>();
        for (Role role : Role.values()) {
            for (OwnedTopic t : OwnedTopic.values()) {
                if (t.readers().contains(role)) {
                    g.add(topic(role, c.topic(t), AclOperation.READ));
                }
            }
            for (OwnedTopic t : OwnedTopic.values()) {
                if (t.writers().contains(role)) {
                    g.add(topic(role, c.topic(t), AclOperation.WRITE));
                }
            }
            switch (role) {
                case PIPELINE -> {
                    g.add(new Grant(role, ResourceType.TOPIC, app + "-", PatternType.PREFIXED, List.of(AclOperation.ALL)));
                    g.add(new Grant(role, ResourceType.GROUP, app, PatternType.LITERAL, List.of(AclOperation.ALL)));
                    g.add(new Grant(role, ResourceType.TRANSACTIONAL_ID, app + "-", PatternType.PREFIXED,
                            List.of(AclOperation.WRITE, AclOperation.DESCRIBE)));
                    g.add(new Grant(role, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
                            List.of(AclOperation.IDEMPOTENT_WRITE)));
                }
                case BILLING, ANALYST, OPS -> {
                    g.add(new Grant(role, ResourceType.GROUP, CONSUME_GROUP_PREFIX, PatternType.PREFIXED, List.of(AclOperation.READ)));
                    if (role == Role.OPS) {
                        // retention check: every owned topic's configuration (internal ones included) and the broker's.
                        for (OwnedTopic t : OwnedTopic.values()) {
                            g.add(new Grant(role, ResourceType.TOPIC, c.topic(t), PatternType.LITERAL,
                                    List.of(AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS)));
                        }
                        g.add(new Grant(role, ResourceType.TOPIC, app + "-", PatternType.PREFIXED,
                                List.of(AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS)));
                        g.add(new Grant(role, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
                                List.of(AclOperation.DESCRIBE_CONFIGS)));
                    } else {
                        g.add(new Grant(role, ResourceType.GROUP, role == Role.BILLING ? "billing-" : "analytics-",
                                PatternType.PREFIXED, List.of(AclOperation.READ)));
                    }
                }
                case PRODUCER -> { }
            }
        }
        return g;
    }

    private static Grant topic(Role role, String name, AclOperation op) {
        return new Grant(role, ResourceType.TOPIC, name, PatternType.LITERAL, List.of(op));
    }

    /** The bindings for the given principals ({@code User:name}); roles without a principal are left out. */
    public static List<AclBinding> bindings(PipelineConfig c, Map<Role, String> principals) {
        List<AclBinding> out = new ArrayList<>();
        for (Grant g : grants(c)) {
            String principal = principals.get(g.role());
            if (principal == null) {
                continue;
            }
            for (AclOperation op : g.operations()) {
                out.add(new AclBinding(new ResourcePattern(g.type(), g.name(), g.pattern()),
                        new AccessControlEntry(principal, "*", op, AclPermissionType.ALLOW)));
            }
        }
        return out;
    }

    /** The table of docs/operations.md: one row per kind of user. */
    public static String markdownTable(PipelineConfig c) {
        StringBuilder out = new StringBuilder("| principal | needs (allow; nothing else) |\n|---|---|\n");
        for (Role r : Role.values()) {
            out.append("| ").append(r.label()).append(" | ").append(grants(c).stream().filter(g -> g.role() == r)
                    .map(Grant::describe).collect(Collectors.joining("; "))).append(" |\n");
        }
        return out.toString();
    }
}
