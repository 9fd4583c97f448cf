package io.cdrpipeline.sink;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The shipped billing sink ({@code target/billing-sink/}, built by {@code mvn package}), run as
 * its page tells a billing team to: the directory copied elsewhere, the three settings the page
 * names changed in its config files (the cluster in {@code config/worker.properties}, the database
 * in {@code config/billing-postgres.properties}, its password in {@code config/secrets.properties}),
 * then {@code bin/billing-sink.sh}. One more change, the test's own: the worker's REST listener on
 * a free port instead of 8083. Its output is in {@code billing-sink.log}.
 */
final class BillingSink implements AutoCloseable {

    static final Path DISTRIBUTION = Path.of("target", "billing-sink").toAbsolutePath();

    private final Process process;
    private final Path log;

    private BillingSink(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static BillingSink start(Path dir, String bootstrapServers, String jdbcUrl, String user, String password)
            throws IOException {
        if (!Files.isExecutable(DISTRIBUTION.resolve("bin/billing-sink.sh"))) {
            throw new IllegalStateException(DISTRIBUTION + " is not built: run mvn package (or verify) in billing-sink");
        }
        copy(DISTRIBUTION, dir);
        edit(dir.resolve("config/worker.properties"), Map.of("bootstrap.servers", bootstrapServers,
                "listeners", "http://127.0.0.1:0"));
        edit(dir.resolve("config/billing-postgres.properties"), Map.of("connection.url", jdbcUrl,
                "connection.username", user));
        edit(dir.resolve("config/secrets.properties"), Map.of("db.password", password));
        Path log = dir.resolve("billing-sink.log");
        Process p = new ProcessBuilder(List.of(dir.resolve("bin/billing-sink.sh").toString()))
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new BillingSink(p, log);
    }

    /** The worker's output so far, for a failure message. */
    String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** Sets {@code values} in a properties file, keeping every other line as shipped; each key must be there. */
    private static void edit(Path file, Map<String, String> values) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        for (String key : values.keySet()) {
            if (!p.containsKey(key)) {
                throw new IllegalStateException(file + " ships without " + key + ", which its page says to set");
            }
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, values.getOrDefault(k, p.getProperty(k))));
        Properties written = new Properties();
        written.putAll(out);
        try (Writer w = Files.newBufferedWriter(file)) {
            written.store(w, "edited by BillingSink");
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }
}
