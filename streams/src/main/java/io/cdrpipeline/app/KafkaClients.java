package io.cdrpipeline.app;

import io.cdrpipeline.config.PipelineConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The one place where plain Kafka clients get their settings: the cluster, and those
 * {@code kafka.*} settings that this kind of client defines (a Streams-only setting such as
 * {@code state.cleanup.delay.ms} is not handed to a consumer), with Streams' {@code producer.},
 * {@code consumer.} and {@code admin.} prefixes applied to their kind. Consumers read committed data.
 */
public final class KafkaClients {

    private KafkaClients() {
    }

    public static Map<String, Object> admin(PipelineConfig c) {
        return settings(c, AdminClientConfig.configNames(), "admin.");
    }

    /** A consumer that reads only committed records and commits nothing by itself. */
    public static Map<String, Object> consumer(PipelineConfig c) {
        Map<String, Object> m = settings(c, ConsumerConfig.configNames(), "consumer.");
        m.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return m;
    }

    /** An idempotent producer writing with acks=all. */
    public static Map<String, Object> producer(PipelineConfig c) {
        Map<String, Object> m = settings(c, ProducerConfig.configNames(), "producer.");
        m.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        m.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return m;
    }

    private static Map<String, Object> settings(PipelineConfig c, Set<String> names, String prefix) {
        Map<String, Object> m = new HashMap<>();
        c.kafkaClientSettings().forEach((k, v) -> {
            if (names.contains(k)) {
                m.put(k, v);
            }
        });
        c.kafkaClientSettings().forEach((k, v) -> {       // the kind's own prefix wins over the common setting
            if (k.startsWith(prefix) && names.contains(k.substring(prefix.length()))) {
                m.put(k.substring(prefix.length()), v);
            }
        });
        m.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, c.bootstrapServers());
        return m;
    }

    /**
     * A copy whose producers give up within {@code startup.timeout} when the cluster goes away
     * (a record waits at most that long for metadata or an acknowledgement) — unless the
     * {@code kafka.*} settings choose otherwise.
     */
    public static PipelineConfig withProducerBounds(PipelineConfig config) {
        long ms = config.duration("startup.timeout").toMillis();
        Map<String, String> extra = new java.util.HashMap<>();
        if (!config.kafkaClientSettings().containsKey("max.block.ms")) {
            extra.put("kafka.max.block.ms", Long.toString(ms));
        }
        if (!config.kafkaClientSettings().containsKey("delivery.timeout.ms")) {
            extra.put("kafka.delivery.timeout.ms", Long.toString(Math.max(ms, 2_000)));
            extra.put("kafka.request.timeout.ms", Long.toString(Math.max(1_000, Math.min(30_000, ms / 2))));
        }
        return extra.isEmpty() ? config : config.with(extra);
    }
}
