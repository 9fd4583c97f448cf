package io.cdrpipeline.cli;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
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
        KeyRing keys = loadKeys(c);
        PipelineApp app = new PipelineApp(c, keys);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "pipeline-shutdown"));
        app.start();
        stopped.await();
        return 0;
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
        throw new ConfigException("no pseudonymisation keys: set pseudonym.key.file or $"
                + PipelineConfig.keyEnvironmentVariable() + " (create one with: cdr-pipeline keys --out FILE)");
    }
}
