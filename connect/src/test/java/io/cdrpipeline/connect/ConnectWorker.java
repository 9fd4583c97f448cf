package io.cdrpipeline.connect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Connect worker in standalone mode, in its own JVM, as a billing team runs it: Kafka's
 * {@code ConnectStandalone} with a worker file and one connector file. Keys are strings, values
 * go through {@link CdrAvroConverter}; the sink reads committed data only. The worker's output is
 * in {@code connect.log} under its directory.
 */
final class ConnectWorker implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ConnectWorker(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ConnectWorker start(Path dir, String bootstrapServers, Map<String, String> connector) throws IOException {
        Files.createDirectories(dir);
        Properties worker = new Properties();
        worker.setProperty("bootstrap.servers", bootstrapServers);
        worker.setProperty("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.setProperty("value.converter", CdrAvroConverter.class.getName());
        worker.setProperty("offset.storage.file.filename", dir.resolve("connect.offsets").toString());
        worker.setProperty("offset.flush.interval.ms", "1000");
        worker.setProperty("listeners", "http://127.0.0.1:0");
        worker.setProperty("plugin.discovery", "service_load");
        worker.setProperty("consumer.isolation.level", "read_committed");
        Path workerFile = dir.resolve("worker.properties");
        Path connectorFile = dir.resolve("connector.properties");
        try (var out = Files.newBufferedWriter(workerFile)) {
            worker.store(out, null);
        }
        Properties c = new Properties();
        c.putAll(connector);
        try (var out = Files.newBufferedWriter(connectorFile)) {
            c.store(out, null);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), "org.apache.kafka.connect.cli.ConnectStandalone",
                workerFile.toString(), connectorFile.toString()));
        Path log = dir.resolve("connect.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ConnectWorker(p, log);
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
