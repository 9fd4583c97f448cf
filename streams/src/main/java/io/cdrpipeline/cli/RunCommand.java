package io.cdrpipeline.cli;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.RetentionPolicies;
import io.cdrpipeline.retention.RetentionPolicy;
import java.time.Instant;
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
        RetentionPolicy policy = RetentionPolicies.load(c);
        KeyService keyService = null;
        KeyRing keys;
        String master = System.getenv(KeyVault.MASTER_KEY_ENV);
        if (c.get("pseudonym.key.file").isBlank() && System.getenv(PipelineConfig.keyEnvironmentVariable()) == null
                && master != null) {
            keyService = new KeyService(c, KeyVault.fromEnvironment(master), policy);
            keys = keyService.load(Instant.now());
        } else {
            keys = loadKeys(c);
        }
        PipelineApp app = keyService != null
                ? new PipelineApp(c, keys, policy, io.cdrpipeline.topology.NumberCaches.of(c),
                        KeyVault.fromEnvironment(master).auditKey())
                : new PipelineApp(c, keys, policy);
        int opsPort = c.intValue("ops.port", -1, 65_535);
        if (opsPort >= 0) {
            java.util.Map<String, Object> adminProps = new java.util.HashMap<>(c.kafkaClientSettings());
            adminProps.put("bootstrap.servers", c.bootstrapServers());
            System.err.println("ops endpoint on port " + app.serveOps(opsPort, adminProps).port()
                    + ": /metrics /health/live /health/ready");
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
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            maintenance.shutdownNow();
            app.close();
            if (service != null) {
                service.close();
            }
            stopped.countDown();
        }, "pipeline-shutdown"));
        app.start();
        stopped.await();
        return 0;
    }

    /**
     * The key ring an operator command (erase) uses: the key file or $CDR_PSEUDONYM_KEYS, else —
     * with $CDR_MASTER_KEY, as `run` — the epochs on the key topic, unwrapped on the billing side.
     */
    static KeyRing loadKeysForTools(PipelineConfig c) throws Exception {
        String master = System.getenv(KeyVault.MASTER_KEY_ENV);
        if (c.get("pseudonym.key.file").isBlank() && System.getenv(PipelineConfig.keyEnvironmentVariable()) == null
                && master != null) {
            try (KeyService service = new KeyService(c, KeyVault.fromEnvironment(master), RetentionPolicies.load(c))) {
                return service.load(Instant.now());
            }
        }
        return loadKeys(c);
    }

    /** The master key's vault when keys live on the key topic (no key file, $CDR_MASTER_KEY set), else null. */
    static KeyVault vaultForTools(PipelineConfig c) {
        String master = System.getenv(KeyVault.MASTER_KEY_ENV);
        return c.get("pseudonym.key.file").isBlank() && System.getenv(PipelineConfig.keyEnvironmentVariable()) == null
                && master != null ? KeyVault.fromEnvironment(master) : null;
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
        throw new ConfigException("no pseudonymisation keys: set pseudonym.key.file, $"
                + PipelineConfig.keyEnvironmentVariable() + " (create one with: cdr-pipeline keys --out FILE), or $"
                + KeyVault.MASTER_KEY_ENV + " to keep rotating, shreddable keys on the key topic");
    }
}
