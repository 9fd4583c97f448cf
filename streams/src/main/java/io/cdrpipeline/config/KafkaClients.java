package io.cdrpipeline.config;

import java.time.Duration;
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

    /** An admin client whose calls give up within {@code startup.timeout} (unless kafka.* says otherwise). */
    public static Map<String, Object> admin(PipelineConfig c) {
        Map<String, Object> m = settings(c, AdminClientConfig.configNames(), "admin.");
        long ms = startupMillis(c);
        m.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ms);
        m.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(ms, 15_000));
        return m;
    }

    /**
     * A consumer that reads only committed records, commits nothing by itself, and whose blocking
     * calls give up within {@code startup.timeout} (unless kafka.* says otherwise).
     */
    public static Map<String, Object> consumer(PipelineConfig c) {
        Map<String, Object> m = settings(c, ConsumerConfig.configNames(), "consumer.");
        m.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.putIfAbsent(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        m.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) startupMillis(c));
        return m;
    }

    /** An idempotent producer writing with acks=all that gives up within {@code startup.timeout} ({@link #producer(PipelineConfig, Duration)}). */
    public static Map<String, Object> producer(PipelineConfig c) {
        return producer(c, c.get(Settings.STARTUP_TIMEOUT));
    }

    /**
     * An idempotent producer writing with acks=all whose sends give up within {@code bound} when
     * the cluster goes away: a record waits at most that long for metadata or buffer space, and is
     * failed (not retried forever) once its delivery time passes. Only what the user left unset is
     * bounded — a {@code kafka.request.timeout.ms} is never overwritten — and the delivery timeout
     * stays at least linger + request timeout, as the producer requires. The one place for these
     * formulas: {@code produce}, {@code ingest}, the operator commands and the key service use it.
     */
    public static Map<String, Object> producer(PipelineConfig c, Duration bound) {
        Map<String, Object> m = settings(c, ProducerConfig.configNames(), "producer.");
        m.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        m.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        long ms = Math.min(Integer.MAX_VALUE, bound.toMillis());
        m.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, ms);
        long request = m.containsKey(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG)
                ? Long.parseLong(m.get(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG).toString())
                : Math.max(1_000, Math.min(30_000, ms / 2));
        m.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) request);
        long linger = m.containsKey(ProducerConfig.LINGER_MS_CONFIG)
                ? Long.parseLong(m.get(ProducerConfig.LINGER_MS_CONFIG).toString()) : 5;
        m.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, (int) linger);
        m.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE,
                Math.max(Math.max(ms, 2_000), request + linger)));
        return m;
    }

    private static long startupMillis(PipelineConfig c) {
        return Math.min(Integer.MAX_VALUE, c.get(Settings.STARTUP_TIMEOUT).toMillis());
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
}
