package io.cdrpipeline.app;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.RetentionPolicies;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.NumberCaches;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything {@code run} needs, built and closed in one place: configuration checks, keys (and
 * the key service that rotates and shreds them), the Kafka Streams application, the ops endpoint,
 * the maintenance schedule. Local checks come first, then the cluster (unreachable or without its
 * topics: the start stops with the fix named).
 */
public final class PipelineRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRuntime.class);

    private final PipelineApp app;
    private final KeyService keyService;
    private final ScheduledExecutorService maintenance;
    private final Duration closeTimeout;
    private final int opsPort;

    private PipelineRuntime(PipelineApp app, KeyService keyService, ScheduledExecutorService maintenance,
            Duration closeTimeout, int opsPort) {
        this.app = app;
        this.keyService = keyService;
        this.maintenance = maintenance;
        this.closeTimeout = closeTimeout;
        this.opsPort = opsPort;
    }

    /** Builds and starts the pipeline; throws with a message naming the fix when it cannot. */
    public static PipelineRuntime start(PipelineConfig c) throws Exception {
        c.bootstrapServers();
        Duration closeTimeout = c.duration("close.timeout");
        RetentionPolicy policy = RetentionPolicies.load(c);
        KeyVault vault = PipelineKeys.vaultForTools(c);
        KeyRing keys = vault == null ? PipelineKeys.staticKeysForRun(c) : null;
        ClusterChecks.requireTopics(c, ClusterChecks.pipelineTopics(c));
        KeyService keyService = null;
        if (vault != null) {
            keyService = new KeyService(c, vault, policy);
            keys = keyService.load(Instant.now());
        }
        PipelineApp app = keyService != null
                ? new PipelineApp(c, keys, policy, NumberCaches.of(c), vault.auditKey())
                : new PipelineApp(c, keys, policy);
        int opsPort = c.intValue("ops.port");
        if (opsPort >= 0) {
            opsPort = app.serveOps(c.get("ops.bind"), opsPort, ClusterChecks.adminProps(c), c.duration("startup.timeout"))
                    .port();
        }
        ScheduledExecutorService maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "key-maintenance");
            t.setDaemon(true);
            return t;
        });
        if (keyService != null) {
            KeyService service = keyService;
            maintenance.scheduleWithFixedDelay(() -> {
                try {
                    service.maintain(Instant.now());
                } catch (Exception e) {
                    LOG.error("key maintenance failed: {}", e.getClass().getName());
                }
            }, 0, Math.max(1, policy.sweepInterval().toSeconds()), TimeUnit.SECONDS);
        }
        app.start();
        return new PipelineRuntime(app, keyService, maintenance, closeTimeout, opsPort);
    }

    /** The ops endpoint's port, or -1 when it is off. */
    public int opsPort() {
        return opsPort;
    }

    public boolean failed() {
        return app.failed();
    }

    public String failure() {
        return app.failure();
    }

    public KafkaStreams.State state() {
        return app.state();
    }

    /** Closes everything within {@code close.timeout}. */
    @Override
    public void close() {
        maintenance.shutdownNow();
        app.close(closeTimeout);
        if (keyService != null) {
            keyService.close();
        }
    }
}
