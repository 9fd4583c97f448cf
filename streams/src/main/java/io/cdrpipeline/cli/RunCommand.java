package io.cdrpipeline.cli;

import io.cdrpipeline.app.ClusterChecks;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.RetentionPolicies;
import io.cdrpipeline.retention.RetentionPolicy;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the pipeline against any Kafka cluster until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the pipeline against a Kafka cluster until Ctrl-C.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Pipeline config file (properties).")
    Path config;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = PipelineConfig.load(config);
        c.bootstrapServers();
        java.time.Duration closeTimeout = c.duration("close.timeout");
        RetentionPolicy policy = RetentionPolicies.load(c);
        // Local checks first (keys, their files), then the cluster: unreachable or without its topics,
        // the start stops with the fix named.
        KeyService keyService = null;
        KeyVault vault = vaultForTools(c);
        KeyRing keys = vault == null ? staticKeysForRun(c) : null;
        ClusterChecks.requireTopics(c, ClusterChecks.pipelineTopics(c));
        if (vault != null) {
            keyService = new KeyService(c, vault, policy);
            keys = keyService.load(Instant.now());
        }
        PipelineApp app = keyService != null
                ? new PipelineApp(c, keys, policy, io.cdrpipeline.topology.NumberCaches.of(c), vault.auditKey())
                : new PipelineApp(c, keys, policy);
        int opsPort = c.intValue("ops.port", -1, 65_535);
        if (opsPort >= 0) {
            System.err.println("ops endpoint on " + c.get("ops.bind") + ":" + app.serveOps(c.get("ops.bind"), opsPort,
                    ClusterChecks.adminProps(c), c.duration("startup.timeout")).port() + ": /metrics /health/live /health/ready");
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
                    LoggerFactory.getLogger(RunCommand.class).error("key maintenance failed: {}", e.getClass().getName());
                }
            }, 0, Math.max(1, policy.sweepInterval().toSeconds()), TimeUnit.SECONDS);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        KeyService service = keyService;
        // SIGTERM: everything closes within close.timeout (Kafka Streams commits what it can in that time).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            maintenance.shutdownNow();
            app.close(closeTimeout);
            if (service != null) {
                service.close();
            }
            stopped.countDown();
        }, "pipeline-shutdown"));
        app.start();
        while (!stopped.await(500, TimeUnit.MILLISECONDS)) {
            if (app.failed()) {
                System.err.println("failed: the pipeline stopped in state " + app.state() + ": " + app.failure());
                return 1;
            }
        }
        return 0;
    }

    /**
     * The key ring an operator command (erase) uses: the key file or $CDR_PSEUDONYM_KEYS, else —
     * with $CDR_MASTER_KEY, as `run` — the epochs on the key topic, unwrapped on the billing side.
     */
    static KeyRing loadKeysForTools(PipelineConfig c) throws Exception {
        KeyVault vault = vaultForTools(c);
        if (vault != null) {
            try (KeyService service = new KeyService(c, vault, RetentionPolicies.load(c))) {
                return service.load(Instant.now());
            }
        }
        return loadKeys(c);
    }

    /**
     * The master key's vault when keys live on the key topic — no static keys given, and the master
     * key in {@code $CDR_MASTER_KEY} or in the file {@code pseudonym.master.key.file} — else null.
     */
    static KeyVault vaultForTools(PipelineConfig c) {
        if (staticKeysGiven(c)) {
            return null;
        }
        String master = System.getenv(KeyVault.MASTER_KEY_ENV);
        if (master != null && !master.isBlank()) {
            try {
                return KeyVault.fromEnvironment(master);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("$" + KeyVault.MASTER_KEY_ENV + ": " + e.getMessage());
            }
        }
        String file = c.get("pseudonym.master.key.file");
        if (file.isBlank()) {
            return null;
        }
        String text = io.cdrpipeline.config.SecretFiles.read(Path.of(file), "pseudonym.master.key.file");
        try {
            return KeyVault.fromEnvironment(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("pseudonym.master.key.file: " + file + ": " + e.getMessage());
        }
    }

    private static boolean staticKeysGiven(PipelineConfig c) {
        String env = System.getenv(PipelineConfig.keyEnvironmentVariable());
        return !c.get("pseudonym.key.file").isBlank() || env != null && !env.isBlank();
    }

    /**
     * Static keys (a key file, $CDR_PSEUDONYM_KEYS) never rotate and are never destroyed: every
     * pseudonym made under them stays linkable for as long as the file exists. {@code run} takes
     * them only when the config says so ({@code pseudonym.key.mode=static}: a lab, a test); in
     * production the keys live on the key topic under the master key.
     */
    static KeyRing staticKeysForRun(PipelineConfig c) {
        String mode = c.get("pseudonym.key.mode");
        if (!List.of("", "store", "static").contains(mode)) {
            throw new ConfigException("pseudonym.key.mode: '" + mode + "' is not one of store, static");
        }
        if (staticKeysGiven(c) && !mode.equals("static")) {
            throw new ConfigException("run: static pseudonymisation keys (pseudonym.key.file or $"
                    + PipelineConfig.keyEnvironmentVariable() + ") never rotate and are never destroyed, so analytics "
                    + "pseudonyms stay linkable for as long as the file exists. In production give the master key "
                    + "instead ($" + KeyVault.MASTER_KEY_ENV + " or pseudonym.master.key.file; create one with: "
                    + "cdr-pipeline keys --master-key --out FILE) and no key file: monthly epochs on the key topic, "
                    + "destroyed when their data is gone. To run on static keys anyway, set pseudonym.key.mode=static.");
        }
        KeyRing keys = loadKeys(c);
        LoggerFactory.getLogger(RunCommand.class).warn("pseudonym.key.mode=static: {} fixed key epoch(s), no rotation, "
                + "no shredding; analytics pseudonyms stay linkable for as long as the keys exist", keys.epochs().size());
        return keys;
    }

    static KeyRing loadKeys(PipelineConfig c) {
        String file = c.get("pseudonym.key.file");
        String env = System.getenv(PipelineConfig.keyEnvironmentVariable());
        try {
            if (!file.isBlank()) {
                return KeyRing.load(Path.of(file));
            }
            if (env != null && !env.isBlank()) {
                return KeyRing.parse(env, "$" + PipelineConfig.keyEnvironmentVariable());
            }
        } catch (java.io.IOException e) {
            throw new ConfigException("pseudonym.key.file: cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        throw new ConfigException("no pseudonymisation keys: give the master key ($" + KeyVault.MASTER_KEY_ENV
                + " or pseudonym.master.key.file; create one with: cdr-pipeline keys --master-key --out FILE) to keep "
                + "rotating, shreddable keys on the key topic, or static keys (pseudonym.key.file or $"
                + PipelineConfig.keyEnvironmentVariable() + ", with pseudonym.key.mode=static; cdr-pipeline keys --out FILE)");
    }
}
