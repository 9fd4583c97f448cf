package io.cdrpipeline.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import io.cdrpipeline.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;

/**
 * The catalogue as Strimzi resources ({@code kafka.strimzi.io/v1beta2}), for clusters whose topics
 * and users Strimzi's operators own: one {@code KafkaTopic} per topic of {@code topics --apply}
 * with the same partitions, replicas and configs, and one {@code KafkaUser} per principal with the
 * ACLs {@code acls --apply} would create. Printed as a YAML stream for {@code kubectl apply -f -}.
 */
public final class StrimziResources {

    public static final String API_VERSION = "kafka.strimzi.io/v1beta2";
    /** A Kubernetes object name: a DNS-1123 subdomain. */
    private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    private StrimziResources() {
    }

    /** The topics as KafkaTopic resources of Kafka cluster {@code cluster} (in {@code namespace}, if given). */
    public static List<Map<String, Object>> topics(List<NewTopic> topics, String cluster, String namespace) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (NewTopic t : topics) {
            String name = objectName(t.name());
            Map<String, Object> spec = new LinkedHashMap<>();
            if (!name.equals(t.name())) {
                spec.put("topicName", t.name());
            }
            spec.put("partitions", t.numPartitions());
            if (t.replicationFactor() > 0) {
                spec.put("replicas", (int) t.replicationFactor());
            }
            spec.put("config", new LinkedHashMap<>(t.configs()));
            out.add(resource("KafkaTopic", name, cluster, namespace, spec));
        }
        return out;
    }

    /**
     * One KafkaUser per principal of {@code bindings} (principals {@code User:name}; the user's name is
     * the resource's), authenticated by {@code authentication} (scram-sha-512, tls, tls-external), its
     * ACLs grouped by resource.
     */
    public static List<Map<String, Object>> users(List<AclBinding> bindings, String cluster, String namespace,
            String authentication) {
        if (!List.of("scram-sha-512", "tls", "tls-external").contains(authentication)) {
            throw new ConfigException("--strimzi-authentication: '" + authentication
                    + "' is not one of scram-sha-512, tls, tls-external");
        }
        Map<String, Map<String, Map<String, Object>>> rulesByUser = new LinkedHashMap<>();
        for (AclBinding b : bindings) {
            String principal = b.entry().principal();
            String user = principal.substring(principal.indexOf(':') + 1);
            if (!principal.startsWith("User:") || !DNS_1123.matcher(user).matches()) {
                throw new ConfigException("--principal " + principal + ": a KafkaUser needs User:<name> with a Kubernetes "
                        + "object name (lower case letters, digits, '-' and '.')");
            }
            Map<String, Object> resource = new LinkedHashMap<>();
            resource.put("type", switch (b.pattern().resourceType()) {
                case TOPIC -> "topic";
                case GROUP -> "group";
                case CLUSTER -> "cluster";
                case TRANSACTIONAL_ID -> "transactionalId";
                default -> throw new IllegalArgumentException("no Strimzi ACL resource for " + b.pattern().resourceType());
            });
            if (!"cluster".equals(resource.get("type"))) {
                resource.put("name", b.pattern().name());
                resource.put("patternType", b.pattern().patternType() == PatternType.PREFIXED ? "prefix" : "literal");
            }
            String key = resource.toString();
            Map<String, Object> rule = rulesByUser.computeIfAbsent(user, u -> new LinkedHashMap<>()).computeIfAbsent(key, k -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("resource", resource);
                r.put("operations", new ArrayList<String>());
                r.put("host", "*");
                return r;
            });
            @SuppressWarnings("unchecked")
            List<String> operations = (List<String>) rule.get("operations");
            operations.add(operation(b.entry().operation()));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        rulesByUser.forEach((user, rules) -> {
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("authentication", Map.of("type", authentication));
            Map<String, Object> authorization = new LinkedHashMap<>();
            authorization.put("type", "simple");
            authorization.put("acls", new ArrayList<>(rules.values()));
            spec.put("authorization", authorization);
            out.add(resource("KafkaUser", user, cluster, namespace, spec));
        });
        return out;
    }

    /** Resources as one YAML stream. */
    public static String yaml(List<Map<String, Object>> resources) {
        ObjectMapper mapper = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));
        StringBuilder out = new StringBuilder();
        try {
            for (Map<String, Object> r : resources) {
                out.append("---\n").append(mapper.writeValueAsString(r));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Map<String, Object> resource(String kind, String name, String cluster, String namespace,
            Map<String, Object> spec) {
        if (!DNS_1123.matcher(cluster).matches() || namespace != null && !DNS_1123.matcher(namespace).matches()) {
            throw new ConfigException("--strimzi " + cluster + (namespace == null ? "" : " --namespace " + namespace)
                    + ": Kubernetes names (lower case letters, digits, '-' and '.')");
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", name);
        if (namespace != null && !namespace.isBlank()) {
            metadata.put("namespace", namespace);
        }
        metadata.put("labels", Map.of("strimzi.io/cluster", cluster));
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("apiVersion", API_VERSION);
        r.put("kind", kind);
        r.put("metadata", metadata);
        r.put("spec", spec);
        return r;
    }

    /** A topic's resource name: the topic name where Kubernetes allows it, else lower case with '-' for the rest. */
    static String objectName(String topic) {
        if (DNS_1123.matcher(topic).matches()) {
            return topic;
        }
        String name = topic.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.-]", "-").replaceAll("^[^a-z0-9]+|[^a-z0-9]+$", "");
        return name + "-" + Integer.toHexString(topic.hashCode() & 0xfffffff);
    }

    /** {@code DESCRIBE_CONFIGS} as Strimzi spells it: {@code DescribeConfigs}. */
    private static String operation(AclOperation op) {
        StringBuilder out = new StringBuilder();
        for (String part : op.name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
