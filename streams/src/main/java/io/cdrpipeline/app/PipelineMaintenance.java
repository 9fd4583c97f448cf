package io.cdrpipeline.app;

import io.cdrpipeline.audit.AuditCheckpointer;
import io.cdrpipeline.audit.NoteSigner;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.config.Settings;
import java.nio.file.Path;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.state.PurgeableStoreRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.concurrent.Callable;

/**
 * What a pipeline instance does beside its stream threads, once per sweep interval: key
 * maintenance (key-store mode: rotation, shredding), erasure-request resolution, a keep-alive on
 * each control topic (the erasure requests and legal holds are compacted and written rarely: a
 * released hold would otherwise stay in a quiet active segment, issue 21), and the purge of
 * stores that no sweep purges — standby replicas, which delete as they restore. A step that fails
 * is logged (its class only) and retried at the next tick; it never stops the others.
 */
final class PipelineMaintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineMaintenance.class);

    private final KeyMaterial keys;
    private final ErasureResolver resolver;
    private final KafkaProducer<String, byte[]> keepAlives;
    private final List<String> controlTopics;
    private final PurgeableStoreRegistry local;
    private final RetentionPolicy policy;
    /** Signs checkpoints of the receipts, when an audit signing key is configured; else null. */
    private final AuditCheckpointer checkpointer;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "pipeline-maintenance");
        t.setDaemon(true);
        return t;
    });

    PipelineMaintenance(PipelineConfig config, KeyMaterial keys, RetentionPolicy policy, PurgeableStoreRegistry local) {
        this.keys = keys;
        this.policy = policy;
        this.local = local;
        this.resolver = new ErasureResolver(config, keys.ring(), keys.sealing(), keys.vault());
        this.keepAlives = new KafkaProducer<>(KafkaClients.producer(config), new StringSerializer(), new ByteArraySerializer());
        this.controlTopics = List.of(config.topic(OwnedTopic.ERASURE_REQUESTS), config.topic(OwnedTopic.LEGAL_HOLDS));
        String signingKey = config.get(Settings.AUDIT_SIGNING_KEY_FILE);
        this.checkpointer = signingKey.isBlank() ? null : new AuditCheckpointer(config, NoteSigner.load(Path.of(signingKey)),
                config.get(Settings.AUDIT_CHECKPOINT_INTERVAL));
    }

    void start() {
        scheduler.scheduleWithFixedDelay(this::tick, 0, Math.max(1_000, policy.sweepInterval().toMillis()),
                TimeUnit.MILLISECONDS);
    }

    private void tick() {
        if (keys.service() != null) {
            step("key maintenance", () -> keys.service().maintain(Instant.now()));
        }
        step("erasure-request resolution", resolver::run);
        step("control-topic keep-alives", () -> {
            for (String topic : controlTopics) {
                keepAlives.send(new ProducerRecord<>(topic, KeepAlive.key(0, 1), null)).get();
            }
            return null;
        });
        step("standby purge", () -> local.purgeIdle(policy.purgeStep()));
        if (checkpointer != null) {
            step("audit checkpoints", () -> checkpointer.run(Instant.now()));
        }
    }

    private void step(String what, Callable<?> step) {
        try {
            step.call();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("{} failed: {}; retried at the next tick", what, e.getClass().getName());
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }

    /** Stops the ticks and closes the clients within {@code timeout}. */
    void close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(Math.max(0, (deadline - System.nanoTime()) / 2), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        resolver.close(left.dividedBy(2));
        keepAlives.close(left.dividedBy(2));
        if (checkpointer != null) {
            checkpointer.close();
        }
    }
}
