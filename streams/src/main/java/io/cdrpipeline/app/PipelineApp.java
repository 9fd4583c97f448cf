package io.cdrpipeline.app;

import io.cdrpipeline.retention.DeletionBound;
import io.cdrpipeline.config.Settings;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.RawPartitions;
import io.cdrpipeline.ops.Health;
import io.cdrpipeline.ops.OpsServer;
import io.cdrpipeline.ops.PipelineMeters;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.IngestMetrics;
import io.cdrpipeline.topology.IngestTopology;
import io.cdrpipeline.topology.NumberCaches;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.state.PurgeableStoreRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.streams.errors.MissingSourceTopicException;

/**
 * Owns the {@link KafkaStreams} lifecycle of the pipeline: its client configuration (exactly-once
 * v2, dead-letter routing to the rejected topic, pass-through {@code kafka.*} settings), state
 * listener, uncaught-exception policy and shutdown. Building the topology stays pure; all I/O is here.
 */
public final class PipelineApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineApp.class);

    private final KafkaStreams streams;
    private Health health;
    private OpsServer ops;
    private final IngestMetrics metrics;
    private final RetentionMetrics retentionMetrics;
    private final PipelineMaintenance maintenance;
    /** A thread that dies this often within {@link #DEATH_WINDOW} meets a fault a new thread cannot fix (a full disk). */
    private static final int MAX_THREAD_DEATHS = 3;
    private static final Duration DEATH_WINDOW = Duration.ofMinutes(5);
    private final ConcurrentLinkedDeque<Long> deaths = new ConcurrentLinkedDeque<>();
    private volatile boolean closing;
    private volatile String failure = "see the log";
    private final AtomicInteger rebalances = new AtomicInteger();
    /** Kafka's metrics bound to /metrics while the ops endpoint serves (their refresh thread stops with it). */
    private KafkaStreamsMetrics kafkaMetrics;
    /** The key service in key-store mode, else null (static keys are never destroyed). */
    private final KeyService keyService;

    /** With the key material of either mode (key-store: the key service keeps the ring current). */
    public PipelineApp(PipelineConfig config, KeyMaterial keys, RetentionPolicy policy, NumberCaches caches) {
        this.metrics = new IngestMetrics();
        this.retentionMetrics = new RetentionMetrics();
        PurgeableStoreRegistry local = new PurgeableStoreRegistry(config.get(Settings.STATE_TRANSACTIONAL));
        Topology topology = IngestTopology.build(config, keys.ring(), policy, metrics, retentionMetrics, caches,
                keys.auditKey(), local);
        this.maintenance = new PipelineMaintenance(config, keys, policy, local);
        this.keyService = keys.service();
        Properties props = streamsProperties(config, policy);
        ClusterChecks.rawPartitions(config).ifPresent(n -> RawPartitions.put(props, n));
        this.streams = new KafkaStreams(topology, props);
        streams.setStateListener((now, before) -> {
            LOG.info("pipeline state {} -> {}", before, now);
            if (before == KafkaStreams.State.RUNNING && now == KafkaStreams.State.REBALANCING) {
                rebalances.incrementAndGet();
            }
        });
        // Bad input never gets here (it is routed as data); an unexpected error replaces the thread.
        // A topic deleted under the running pipeline cannot be fixed by a new thread: stop, and say so.
        streams.setUncaughtExceptionHandler(e -> {
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof MissingSourceTopicException) {
                    failure = "a source topic is missing (" + c.getMessage() + "); create it with: cdr-pipeline topics --apply";
                    LOG.error("stopping: {}", failure);
                    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
                }
            }
            String chain = ErrorText.describe(e).replace(System.lineSeparator(), " ");
            long now = System.nanoTime();
            deaths.addLast(now);
            while (!deaths.isEmpty() && now - deaths.peekFirst() > DEATH_WINDOW.toNanos()) {
                deaths.pollFirst();
            }
            if (deaths.size() >= MAX_THREAD_DEATHS) {
                // The same failure again and again (a full disk, a store that cannot open): stop and say why.
                failure = chain;
                LOG.error("stream threads died {} times within {}; stopping: {}", deaths.size(), DEATH_WINDOW, chain);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.error("stream thread died; replacing it: {}", chain);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public static Properties streamsProperties(PipelineConfig config) {
        return streamsProperties(config, RetentionPolicy.of(config));
    }

    public static Properties streamsProperties(PipelineConfig config, RetentionPolicy policy) {
        Properties p = new Properties();
        p.putAll(config.kafkaClientSettings());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Every store and internal topic named in code (KIP-1111): a changed topology cannot silently rename a
        // changelog (state lost) or the repartition topic the privacy map labels.
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, "true");
        // The retention stores stage their writes and commit them with their changelog offsets, so a crash
        // does not wipe them (a restore that grows with retention); see PurgeableStore.
        p.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, config.get(Settings.STATE_TRANSACTIONAL));
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.get(Settings.NUM_STREAM_THREADS));
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, config.get(Settings.TOPIC_REPLICATION_FACTOR));
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topic(OwnedTopic.REJECTED));
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterHandler.class.getName());
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        // Kafka's partition assignor builds its own StreamsConfig from the main consumer's settings, and
        // warned on every start that the handler was off: it is on, say so there too (issue 23).
        p.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), "true");
        // Internal topics (repartition above all: it carries whole billing records) roll on the
        // policy's erasure budget; Streams would otherwise leave the broker's 7-day segment.ms.
        String segmentMs = TopicSpecs.compacted(policy).get("segment.ms");
        p.putIfAbsent(StreamsConfig.topicPrefix("segment.ms"), segmentMs);
        // A purged or cleaned segment's file lingers this long before it leaves the broker's disk.
        p.putIfAbsent(StreamsConfig.topicPrefix("file.delete.delay.ms"), TopicSpecs.compacted(policy).get("file.delete.delay.ms"));
        // The repartition topic (whole billing records) is purged at this interval: no longer than the step either.
        p.putIfAbsent(StreamsConfig.REPARTITION_PURGE_INTERVAL_MS_CONFIG, Long.toString(TopicSpecs.purgeInterval(policy)));
        // A task that moved to another instance leaves its state directory here, holding what was retained
        // then; Streams deletes it once idle this long (checked as often): within the step, not 10 minutes.
        p.putIfAbsent(StreamsConfig.STATE_CLEANUP_DELAY_MS_CONFIG, Long.toString(DeletionBound.stateCleanupDelay(policy)));
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class.getName());
        // A task reads cdr.raw and the by-identity repartition; nothing here depends on interleaving
        // them by timestamp (dedupe keeps whichever copy comes first), so a task never waits for an
        // empty input. With the default (0) Streams re-checked every input's lag per record, 7 % of
        // the stream thread (#13). Operators may still set kafka.max.task.idle.ms.
        p.putIfAbsent(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        return p;
    }

    public void start() {
        streams.start();
        maintenance.start();
    }

    /** Serves /metrics and /health on {@code port} (0: any free port) until the app closes. */
    public OpsServer serveOps(int port, Map<String, Object> adminProps) throws IOException {
        return serveOps("0.0.0.0", port, adminProps, Duration.ofSeconds(30));
    }

    /**
     * Serves /metrics and /health on {@code bind:port}; liveness fails once the pipeline has had no
     * broker contact for {@code startupTimeout} without running (a pipeline that cannot start).
     */
    public OpsServer serveOps(String bind, int port, Map<String, Object> adminProps, Duration startupTimeout)
            throws IOException {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        kafkaMetrics = PipelineMeters.bind(registry, streams, metrics, retentionMetrics);
        if (keyService != null) {
            PipelineMeters.bindKeyShredding(registry, keyService::overdueKeys);
        }
        health = new Health(streams, adminProps, startupTimeout);
        ops = new OpsServer(bind, port, registry, health::status);
        return ops;
    }

    /** True once the pipeline has stopped for good without being closed (ERROR, or shut down by its exception handler). */
    public boolean failed() {
        KafkaStreams.State s = streams.state();
        return !closing && (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.PENDING_ERROR
                || s == KafkaStreams.State.NOT_RUNNING || s == KafkaStreams.State.PENDING_SHUTDOWN);
    }

    /** Why the pipeline failed, as far as it knows (no record content). */
    public String failure() {
        return failure;
    }

    /** Waits until the pipeline is running (all tasks assigned and restored). */
    public void awaitRunning(Duration timeout) throws InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING
                    || Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("pipeline not running: state " + streams.state());
            }
            Thread.sleep(50);
        }
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public IngestMetrics metrics() {
        return metrics;
    }

    /** Times the pipeline left RUNNING for a rebalance (a fenced producer after a transaction timeout does this). */
    public int rebalancesSinceRunning() {
        return rebalances.get();
    }

    public RetentionMetrics retentionMetrics() {
        return retentionMetrics;
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /**
     * Closes within {@code timeout}, all of it: what Kafka Streams has not committed by then is redone by
     * the next instance. The maintenance clients get a tenth (at most two seconds), Streams the rest.
     */
    public void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        closing = true;
        maintenance.close(timeout.dividedBy(10).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2)
                : timeout.dividedBy(10));
        timeout = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        if (ops != null) {
            ops.close();
        }
        if (kafkaMetrics != null) {
            kafkaMetrics.close();
        }
        if (health != null) {
            health.close();
        }
        timeout = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        if (!streams.close(timeout)) {
            LOG.warn("Kafka Streams did not close within {}; exiting anyway (uncommitted work is redone on restart)", timeout);
        }
    }
}
