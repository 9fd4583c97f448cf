package io.cdrpipeline.app;

import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.config.Settings;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import io.cdrpipeline.catalogue.Role;
import java.util.ArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import io.cdrpipeline.config.Durations;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.slf4j.LoggerFactory;

/**
 * What every command that talks to Kafka checks before it starts: the cluster answers within
 * {@code startup.timeout}, and the topics it needs exist. Without this a client retries for minutes
 * against a wrong address, or a pipeline stays up, never ready, looping on a missing topic.
 */
public final class ClusterChecks {

    private ClusterChecks() {
    }

    /** Thrown when the cluster or a topic is not there; the message names the setting or command that fixes it. */
    public static final class ClusterUnavailableException extends RuntimeException {
        ClusterUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Thrown when the cluster refuses what a command needs; the message names the principal, the right and the role. */
    public static final class AccessDeniedException extends RuntimeException {
        AccessDeniedException(String message) {
            super(message);
        }
    }

    /** Admin client settings for the configured cluster with every timeout bounded by {@code startup.timeout}. */
    public static Map<String, Object> adminProps(PipelineConfig c) {
        return KafkaClients.admin(c);
    }

    /**
     * What a command checks before it does anything: the cluster answers within {@code startup.timeout},
     * every topic it needs exists, and this client's principal has the right it needs on each (as the ACL
     * table gives {@code role}). A topic this principal may not even describe looks missing to a plain
     * listing; here it is named as refused, never as missing.
     */
    public static void require(PipelineConfig c, Role role, Map<String, Set<AclOperation>> needs) {
        Duration timeout = c.get(Settings.STARTUP_TIMEOUT);
        Admin admin = Admin.create(adminProps(c));
        try {
            await(c, timeout, admin.describeCluster().clusterId());
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(needs.keySet(),
                    new DescribeTopicsOptions().includeAuthorizedOperations(true)).topicNameValues();
            Set<String> missing = new TreeSet<>();
            List<String> denied = new ArrayList<>();
            for (Map.Entry<String, Set<AclOperation>> need : new TreeMap<>(needs).entrySet()) {
                String ops = need.getValue().stream().map(ClusterChecks::camel).sorted().collect(Collectors.joining(", "));
                try {
                    TopicDescription d = described.get(need.getKey()).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    Set<AclOperation> allowed = d.authorizedOperations();
                    for (AclOperation op : need.getValue()) {
                        if (allowed != null && !allowed.contains(op) && !allowed.contains(AclOperation.ALL)) {
                            denied.add(camel(op) + " on topic " + need.getKey());
                        }
                    }
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                        missing.add(need.getKey());
                    } else if (e.getCause() instanceof TopicAuthorizationException) {
                        denied.add(ops + " (not even Describe) on topic " + need.getKey());
                    } else {
                        throw unreachable(c, timeout, e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw unreachable(c, timeout, e);
                }
            }
            if (!denied.isEmpty()) {
                throw new AccessDeniedException("the cluster at " + c.bootstrapServers() + " refuses " + principal(c) + " "
                        + String.join(", ", denied) + ": grant it the ACLs of the '" + role.name().toLowerCase(Locale.ROOT)
                        + "' role (cdr-pipeline acls --principal " + role.name().toLowerCase(Locale.ROOT)
                        + "=User:NAME --apply), or run this as a principal that has them");
            }
            if (!missing.isEmpty()) {
                throw new ClusterUnavailableException("topic(s) " + String.join(", ", missing) + " do not exist on "
                        + c.bootstrapServers() + ": create them with: cdr-pipeline topics --apply --config FILE", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(c, timeout, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /**
     * The cluster's refusal of an admin operation, told as {@link #require} tells one — whose principal,
     * which resource, the role to grant — or null when {@code e} is no authorization failure.
     */
    public static AccessDeniedException refusal(PipelineConfig c, Role role, String operation, Throwable e) {
        return refusal(c, role, operation, List.of(), e);
    }

    /** As {@link #refusal(PipelineConfig, Role, String, Throwable)}, naming {@code topics} when Kafka names none. */
    public static AccessDeniedException refusal(PipelineConfig c, Role role, String operation, Collection<String> topics,
            Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException a) {
                Set<String> named = a instanceof TopicAuthorizationException ta && !ta.unauthorizedTopics().isEmpty()
                        ? new TreeSet<>(ta.unauthorizedTopics()) : new TreeSet<>(topics);
                String what = a instanceof TopicAuthorizationException && !named.isEmpty()
                        ? "on topic(s) " + String.join(", ", named)
                        : a instanceof ClusterAuthorizationException ? "on the cluster"
                        : "(" + a.getClass().getSimpleName() + ")";
                return new AccessDeniedException("the cluster at " + c.bootstrapServers() + " refuses " + principal(c) + " "
                        + operation + " " + what + ": run this as a principal of the '"
                        + role.name().toLowerCase(Locale.ROOT) + "' role (see cdr-pipeline acls), or grant it");
            }
        }
        return null;
    }

    private static <T> T await(PipelineConfig c, Duration timeout, KafkaFuture<T> f)
            throws InterruptedException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(c, timeout, e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
        }
    }

    /** Who this client is to the cluster, as far as its settings tell: the SASL user, a certificate, or anonymous. */
    static String principal(PipelineConfig c) {
        Map<String, String> k = c.kafkaClientSettings();
        String protocol = k.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT);
        if (protocol.startsWith("SASL")) {
            Matcher m = Pattern.compile("username\\s*=\\s*\"([^\"]*)\"")
                    .matcher(k.getOrDefault("sasl.jaas.config", ""));
            return m.find() ? "the principal User:" + m.group(1) + " (kafka.sasl.jaas.config)"
                    : "the SASL principal of kafka.sasl.jaas.config";
        }
        return protocol.equals("SSL") ? "the principal of this client's certificate (kafka.ssl.keystore.*)"
                : "the anonymous principal (no kafka.security.protocol with credentials)";
    }

    private static String camel(AclOperation op) {
        StringBuilder out = new StringBuilder();
        for (String part : op.name().split("_")) {
            out.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }

    /** Waits at most {@code startup.timeout} for the cluster to answer. */
    public static void awaitCluster(PipelineConfig c) {
        ask(c, admin -> admin.describeCluster().clusterId());
    }



    /** One question to the cluster, answered within {@code startup.timeout} or an error naming the settings. */
    private static <T> T ask(PipelineConfig c, Function<Admin, KafkaFuture<T>> question) {
        Duration timeout = c.get(Settings.STARTUP_TIMEOUT);
        Admin admin = Admin.create(adminProps(c));
        try {
            return question.apply(admin).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw unreachable(c, timeout, e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unreachable(c, timeout, e);
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    private static ClusterUnavailableException unreachable(PipelineConfig c, Duration timeout, Throwable cause) {
        if (cause instanceof AuthenticationException
                || cause instanceof IllegalSaslStateException) {
            return new ClusterUnavailableException("the Kafka cluster at " + c.bootstrapServers() + " (bootstrap.servers) "
                    + "did not accept this client's authentication: check kafka.security.protocol and the kafka.sasl.* / "
                    + "kafka.ssl.* settings against the listener's", cause);
        }
        return new ClusterUnavailableException("no answer from the Kafka cluster at " + c.bootstrapServers()
                + " within startup.timeout=" + Durations.format(timeout)
                + ": check bootstrap.servers (--bootstrap-server, $CDR_BOOTSTRAP_SERVERS), the kafka.security.* / "
                + "kafka.sasl.* settings and that the brokers are up", cause);
    }

    /** What {@code run} needs of each topic it owns, as the catalogue grants it (internal ones are created by Kafka Streams). */
    public static Map<String, Set<AclOperation>> pipelineTopics(PipelineConfig c) {
        Map<String, Set<AclOperation>> needs = new LinkedHashMap<>();
        for (OwnedTopic t : OwnedTopic.values()) {
            needs.put(c.topic(t), rights(t, Role.PIPELINE));
        }
        return needs;
    }

    /** The rights the catalogue gives {@code role} on {@code topic}: Read and/or Write. */
    public static Set<AclOperation> rights(OwnedTopic topic, Role role) {
        Set<AclOperation> r = EnumSet.noneOf(AclOperation.class);
        if (topic.readers().contains(role)) {
            r.add(AclOperation.READ);
        }
        if (topic.writers().contains(role)) {
            r.add(AclOperation.WRITE);
        }
        return r;
    }

    /** One topic, one right. */
    public static Map<String, Set<AclOperation>> needs(String topic, AclOperation... ops) {
        return Map.of(topic, Set.of(ops));
    }

    /**
     * The raw topic's partition count, which tells the topology which records our producers
     * already placed by identity; empty (every record takes the repartition hop) when the
     * cluster cannot say.
     */
    static OptionalInt rawPartitions(PipelineConfig config) {
        Map<String, Object> props = KafkaClients.admin(config);
        props.put("request.timeout.ms", "15000");
        props.put("default.api.timeout.ms", "30000");
        try (Admin admin = Admin.create(props)) {
            String raw = config.topic(OwnedTopic.RAW);
            int n = admin.describeTopics(List.of(raw)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(raw).partitions().size();
            return OptionalInt.of(n);
        } catch (ExecutionException | TimeoutException e) {
            LoggerFactory.getLogger(ClusterChecks.class).warn("could not read the partition count of {} ({}); every record takes the by-identity repartition",
                    config.topic(OwnedTopic.RAW), e.getClass().getSimpleName());
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }
}
