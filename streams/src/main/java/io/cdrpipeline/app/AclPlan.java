package io.cdrpipeline.app;

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

/**
 * Who may do what on the cluster: the ACLs each kind of user needs, and nothing more. One
 * definition for {@code cdr-pipeline acls} (which prints or applies them), the README's table
 * (a test compares them) and the secured-cluster test (which applies them and then checks that
 * analysts are refused everywhere but the analytics stream).
 */
public final class AclPlan {

    /** The kinds of users, as the README names them. */
    public enum Role {
        PIPELINE("pipeline"),
        PRODUCER("switch producers (`produce`, `ingest`)"),
        BILLING("billing systems"),
        ANALYST("analysts"),
        OPS("privacy officer / ops");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /** One grant: operations on a resource (a name, or every name with that prefix). */
    public record Grant(Role role, ResourceType type, String name, PatternType pattern, List<AclOperation> operations) {

        String describe() {
            String what = switch (type) {
                case TOPIC -> "topic";
                case GROUP -> "group";
                case TRANSACTIONAL_ID -> "transactional id";
                case CLUSTER -> "cluster";
                default -> type.name().toLowerCase(java.util.Locale.ROOT);
            };
            String ops = operations.stream().map(o -> o.name().charAt(0) + o.name().substring(1).toLowerCase(java.util.Locale.ROOT)
                    .replace("_w", "W")).collect(Collectors.joining(", "));
            String target = type == ResourceType.CLUSTER ? "" : " `" + name + (pattern == PatternType.PREFIXED ? "*" : "") + "`";
            return ops + " " + what + target;
        }
    }

    /** Group prefix of {@code cdr-pipeline consume}. */
    public static final String CONSUME_GROUP_PREFIX = "cdr-pipeline-consume-";

    private AclPlan() {
    }

    public static List<Grant> grants(PipelineConfig c) {
        String app = c.applicationId();
        List<Grant> g = new ArrayList<>();
        for (String t : List.of("topic.raw", "topic.erasure-requests", "topic.legal-holds", "topic.pseudonym-keys")) {
            g.add(topic(Role.PIPELINE, c.get(t), AclOperation.READ));
        }
        for (String t : List.of("topic.billing", "topic.analytics", "topic.rejected", "topic.audit", "topic.pseudonym-keys")) {
            g.add(topic(Role.PIPELINE, c.get(t), AclOperation.WRITE));
        }
        g.add(new Grant(Role.PIPELINE, ResourceType.TOPIC, app + "-", PatternType.PREFIXED, List.of(AclOperation.ALL)));
        g.add(new Grant(Role.PIPELINE, ResourceType.GROUP, app, PatternType.LITERAL, List.of(AclOperation.ALL)));
        g.add(new Grant(Role.PIPELINE, ResourceType.TRANSACTIONAL_ID, app + "-", PatternType.PREFIXED,
                List.of(AclOperation.WRITE, AclOperation.DESCRIBE)));
        g.add(new Grant(Role.PIPELINE, ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
                List.of(AclOperation.IDEMPOTENT_WRITE)));
        g.add(topic(Role.PRODUCER, c.get("topic.raw"), AclOperation.WRITE));
        g.add(topic(Role.BILLING, c.get("topic.billing"), AclOperation.READ));
        g.add(new Grant(Role.BILLING, ResourceType.GROUP, CONSUME_GROUP_PREFIX, PatternType.PREFIXED, List.of(AclOperation.READ)));
        g.add(new Grant(Role.BILLING, ResourceType.GROUP, "billing-", PatternType.PREFIXED, List.of(AclOperation.READ)));
        g.add(topic(Role.ANALYST, c.get("topic.analytics"), AclOperation.READ));
        g.add(new Grant(Role.ANALYST, ResourceType.GROUP, CONSUME_GROUP_PREFIX, PatternType.PREFIXED, List.of(AclOperation.READ)));
        g.add(new Grant(Role.ANALYST, ResourceType.GROUP, "analytics-", PatternType.PREFIXED, List.of(AclOperation.READ)));
        g.add(topic(Role.OPS, c.get("topic.erasure-requests"), AclOperation.WRITE));
        g.add(topic(Role.OPS, c.get("topic.legal-holds"), AclOperation.WRITE));
        g.add(topic(Role.OPS, c.get("topic.audit"), AclOperation.READ));
        // `access` reads billing for a subject; `erase` in key-store mode reads the wrapped epochs (useless without the master key).
        g.add(topic(Role.OPS, c.get("topic.billing"), AclOperation.READ));
        g.add(topic(Role.OPS, c.get("topic.pseudonym-keys"), AclOperation.READ));
        g.add(new Grant(Role.OPS, ResourceType.GROUP, CONSUME_GROUP_PREFIX, PatternType.PREFIXED, List.of(AclOperation.READ)));
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

    /** The README's table: one row per kind of user. */
    public static String markdownTable(PipelineConfig c) {
        StringBuilder out = new StringBuilder("| principal | needs (allow; nothing else) |\n|---|---|\n");
        for (Role r : Role.values()) {
            out.append("| ").append(r.label()).append(" | ").append(grants(c).stream().filter(g -> g.role() == r)
                    .map(Grant::describe).collect(Collectors.joining("; "))).append(" |\n");
        }
        return out.toString();
    }
}
