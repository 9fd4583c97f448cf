package io.cdrpipeline.app;

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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

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

    /** Admin client settings for the configured cluster with every timeout bounded by {@code startup.timeout}. */
    public static Map<String, Object> adminProps(PipelineConfig c) {
        int ms = (int) Math.min(Integer.MAX_VALUE, c.duration("startup.timeout").toMillis());
        Map<String, Object> props = KafkaClients.admin(c);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(ms, 15_000));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        return props;
    }

    /** Waits at most {@code startup.timeout} for the cluster to answer. */
    public static void awaitCluster(PipelineConfig c) {
        ask(c, admin -> admin.describeCluster().clusterId());
    }

    /** Checks the cluster answers and that every topic in {@code topics} exists. */
    public static void requireTopics(PipelineConfig c, Collection<String> topics) {
        Set<String> missing = new TreeSet<>(topics);
        missing.removeAll(ask(c, admin -> admin.listTopics().names()));
        if (!missing.isEmpty()) {
            throw new ClusterUnavailableException("topic(s) " + String.join(", ", missing) + " do not exist on "
                    + c.bootstrapServers() + ": create them with: cdr-pipeline topics --apply --config FILE", null);
        }
    }

    /** One question to the cluster, answered within {@code startup.timeout} or an error naming the settings. */
    private static <T> T ask(PipelineConfig c, java.util.function.Function<Admin, org.apache.kafka.common.KafkaFuture<T>> question) {
        Duration timeout = c.duration("startup.timeout");
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
        return new ClusterUnavailableException("no answer from the Kafka cluster at " + c.bootstrapServers()
                + " within startup.timeout=" + io.cdrpipeline.config.Durations.format(timeout)
                + ": check bootstrap.servers (--bootstrap-server, $CDR_BOOTSTRAP_SERVERS), the kafka.security.* / "
                + "kafka.sasl.* settings and that the brokers are up", cause);
    }

    /** The topics {@code run} reads or writes (internal ones are created by Kafka Streams). */
    public static List<String> pipelineTopics(PipelineConfig c) {
        return java.util.Arrays.stream(OwnedTopic.values()).map(t -> c.get(t.setting())).toList();
    }

    /**
     * The raw topic's partition count, which tells the topology which records our producers
     * already placed by identity; empty (every record takes the repartition hop) when the
     * cluster cannot say.
     */
    static java.util.OptionalInt rawPartitions(PipelineConfig config) {
        java.util.Map<String, Object> props = KafkaClients.admin(config);
        props.put("request.timeout.ms", "15000");
        props.put("default.api.timeout.ms", "30000");
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(props)) {
            String raw = config.topic(OwnedTopic.RAW);
            int n = admin.describeTopics(java.util.List.of(raw)).allTopicNames().get(30, java.util.concurrent.TimeUnit.SECONDS)
                    .get(raw).partitions().size();
            return java.util.OptionalInt.of(n);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            org.slf4j.LoggerFactory.getLogger(ClusterChecks.class).warn("could not read the partition count of {} ({}); every record takes the by-identity repartition",
                    config.topic(OwnedTopic.RAW), e.getClass().getSimpleName());
            return java.util.OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return java.util.OptionalInt.empty();
        }
    }
}
