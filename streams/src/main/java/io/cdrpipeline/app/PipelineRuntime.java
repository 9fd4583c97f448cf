package io.cdrpipeline.app;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.NumberCaches;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.cdrpipeline.catalogue.Role;

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
    private final Duration closeTimeout;
    private final int opsPort;

    private PipelineRuntime(PipelineApp app, KeyService keyService, Duration closeTimeout, int opsPort) {
        this.app = app;
        this.keyService = keyService;
        this.closeTimeout = closeTimeout;
        this.opsPort = opsPort;
    }

    /** Builds and starts the pipeline; throws with a message naming the fix when it cannot. */
    public static PipelineRuntime start(PipelineConfig c) throws Exception {
        c.bootstrapServers();
        Duration closeTimeout = c.get(Settings.CLOSE_TIMEOUT);
        RetentionPolicy policy = RetentionPolicy.of(c);
        // A bad audit signing key stops here, before the cluster is asked (the checkpointer loads it again).
        if (!c.get(Settings.AUDIT_SIGNING_KEY_FILE).isBlank()) {
            io.cdrpipeline.audit.NoteSigner.load(java.nio.file.Path.of(c.get(Settings.AUDIT_SIGNING_KEY_FILE)));
        }
        KeyVault vault = PipelineKeys.masterKeyVault(c);
        KeyRing keys = vault == null ? PipelineKeys.staticKeysForRun(c) : null;
        ClusterChecks.require(c, Role.PIPELINE, ClusterChecks.pipelineTopics(c));
        KeyService keyService = null;
        KeyMaterial material;
        if (vault != null) {
            keyService = new KeyService(c, vault, policy);
            keyService.load(Instant.now());
            material = KeyMaterial.rotating(keyService, keyService.vault());
        } else {
            material = KeyMaterial.fixed(keys);
        }
        PipelineApp app = new PipelineApp(c, material, policy, NumberCaches.of(c));
        int opsPort = c.get(Settings.OPS_PORT);
        if (opsPort >= 0) {
            opsPort = app.serveOps(c.get(Settings.OPS_BIND), opsPort, ClusterChecks.adminProps(c), c.get(Settings.STARTUP_TIMEOUT))
                    .port();
        }
        app.start();
        return new PipelineRuntime(app, keyService, closeTimeout, opsPort);
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

    /** Closes everything within {@code close.timeout}: a ceiling for the whole process, a dead cluster or not. */
    @Override
    public void close() {
        // The JVM's own exit (shutdown hooks, logging) gets a twentieth, at most a second; the key service's
        // clients a tenth, at most two seconds; the application everything else.
        Duration exit = closeTimeout.dividedBy(20).compareTo(Duration.ofSeconds(1)) > 0 ? Duration.ofSeconds(1)
                : closeTimeout.dividedBy(20);
        Duration budget = closeTimeout.minus(exit);
        long deadline = System.nanoTime() + budget.toNanos();
        Duration keys = budget.dividedBy(10).compareTo(Duration.ofSeconds(2)) > 0 ? Duration.ofSeconds(2)
                : budget.dividedBy(10);
        app.close(keyService == null ? budget : budget.minus(keys));
        if (keyService != null) {
            keyService.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }
}
