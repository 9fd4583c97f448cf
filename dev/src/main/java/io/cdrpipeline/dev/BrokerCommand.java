package io.cdrpipeline.dev;

import io.cdrpipeline.broker.EmbeddedKafka;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A standalone single-node KRaft dev broker that runs until stopped. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Run a single-node KRaft Kafka broker for development until Ctrl-C.")
final class BrokerCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "9092", description = "Listener port on 127.0.0.1 (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--data-dir", defaultValue = "kafka-data", description = "Where the broker keeps its logs (default ${DEFAULT-VALUE}).")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be 0..65535, got " + port);
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, port, Map.of());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }, "broker-shutdown"));
        System.out.println("Kafka broker ready at " + kafka.bootstrapServers() + " (data in " + dataDir.toAbsolutePath()
                + "). Ctrl-C to stop.");
        stopped.await();
        return 0;
    }
}
