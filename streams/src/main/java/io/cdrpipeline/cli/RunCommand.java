package io.cdrpipeline.cli;

import io.cdrpipeline.app.PipelineRuntime;
import io.cdrpipeline.config.PipelineConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the pipeline against any Kafka cluster until stopped (SIGTERM, Ctrl-C) or failed. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run the pipeline against a Kafka cluster until Ctrl-C.")
final class RunCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "Pipeline config file (properties).")
    Path config;

    @Override
    public Integer call() throws Exception {
        PipelineRuntime runtime = PipelineRuntime.start(PipelineConfig.load(config));
        if (runtime.opsPort() >= 0) {
            System.err.println("ops endpoint on port " + runtime.opsPort() + ": /metrics /health/live /health/ready");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM: everything closes within close.timeout (Kafka Streams commits what it can in that time).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "pipeline-shutdown"));
        while (!stopped.await(500, TimeUnit.MILLISECONDS)) {
            if (runtime.failed()) {
                System.err.println("failed: the pipeline stopped in state " + runtime.state() + ": " + runtime.failure());
                return 1;
            }
        }
        return 0;
    }
}
