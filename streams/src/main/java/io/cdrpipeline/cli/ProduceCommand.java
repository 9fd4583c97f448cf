package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.CdrFiles;
import io.cdrpipeline.produce.RawProducer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import io.cdrpipeline.app.ClusterChecks;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.config.Durations;
import io.cdrpipeline.produce.FileFollower;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.acl.AclOperation;

/** Loads CDR files (or stdin, or directories of them) into the raw topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Load CDR files into the raw topic: one record per CSV line, one per JSON document.")
final class ProduceCommand implements Callable<Integer> {

    private static final long PROGRESS_EVERY_MS = 2_000;

    @Mixin
    ConfigOptions kafka;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "asterisk-csv | asterisk-custom | freeswitch-csv | freeswitch-json | canonical-json")
    String format;

    @Option(names = "--source", required = true, paramLabel = "NAME", description = "Name of the switch the files come from.")
    String source;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files or directories; - for standard input.")
    List<String> files;

    @Option(names = "--follow", description = "Keep following the files like tail -F (CSV formats): survives rotation, "
            + "resumes where it stopped after a restart.")
    boolean follow;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Where --follow keeps its positions (default: next to each file).")
    Path stateDir;

    @Option(names = "--max-idle", paramLabel = "DURATION", description = "With --follow: stop after this long without new lines.")
    String maxIdle;

    @Override
    public Integer call() throws IOException {
        CdrFormat cdrFormat = CdrFormat.parse(format).orElseThrow(() -> new IllegalArgumentException(
                "--format: unknown format '" + format + "'; known: " + CdrFormat.names()));
        if (!source.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("--source must be 1-128 of [A-Za-z0-9._-], got '" + source + "'");
        }
        List<Path> paths = expand(files);
        PipelineConfig config = kafka.load();
        // A switch with no region and zone would be read with guesses: refuse, naming the settings to add.
        config.requireSource(source);
        ClusterChecks.require(config, Role.PRODUCER,
                ClusterChecks.needs(config.topic(OwnedTopic.RAW), AclOperation.WRITE));
        if (follow) {
            return follow(cdrFormat, paths, config);
        }
        PrintStream err = System.err;
        long started = System.currentTimeMillis();
        long[] lastReport = {started};
        try (RawProducer producer = new RawProducer(config)) {
            long[] queued = {0};
            for (Path p : paths) {
                byte[] bytes = p == null ? System.in.readAllBytes() : Files.readAllBytes(p);
                String name = p == null ? "stdin" : p.getFileName().toString();
                CdrFiles.split(bytes, cdrFormat, piece -> {
                    producer.send(piece.bytes(), cdrFormat, source, name, piece.position());
                    queued[0]++;
                    long now = System.currentTimeMillis();
                    if (now - lastReport[0] >= PROGRESS_EVERY_MS) {
                        lastReport[0] = now;
                        err.printf("… %,d records queued, %,d acknowledged (%s)%n", queued[0], producer.sent(), name);
                    }
                });
            }
            producer.flush();
            double secs = Math.max(1, System.currentTimeMillis() - started) / 1000.0;
            System.out.printf("produced %,d records (%,d bytes) from %d input(s) to %s in %.1f s (%,.0f records/s)%n",
                    producer.sent(), producer.bytes(), paths.size(), config.topic(OwnedTopic.RAW), secs, producer.sent() / secs);
        }
        return 0;
    }

    private int follow(CdrFormat cdrFormat, List<Path> paths, PipelineConfig config) throws IOException {
        if (cdrFormat == CdrFormat.FREESWITCH_JSON || cdrFormat == CdrFormat.CANONICAL_JSON) {
            throw new IllegalArgumentException("--follow reads line-based CSV files; for mod_json_cdr use the HTTP ingest endpoint");
        }
        if (paths.contains(null)) {
            throw new IllegalArgumentException("--follow needs files, not standard input");
        }
        Duration idle = maxIdle == null ? null : Durations.parse(maxIdle, "--max-idle");
        AtomicBoolean stop = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Thread hook = new Thread(() -> {
            stop.set(true);
            try {
                main.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "follow-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        long sent = 0;
        try (RawProducer producer = new RawProducer(config)) {
            List<FileFollower> followers = new ArrayList<>();
            for (Path p : paths) {
                Path state = (stateDir != null ? stateDir : p.toAbsolutePath().getParent())
                        .resolve(p.getFileName() + ".cdr-pipeline-offset");
                followers.add(new FileFollower(p, state, new FileFollower.Sink() {
                    @Override
                    public void send(byte[] line, String file, long number) {
                        producer.send(line, cdrFormat, source, file, number);
                    }

                    @Override
                    public void flush() {
                        producer.flush();
                    }
                }));
            }
            long lastNew = System.currentTimeMillis();
            System.err.printf("following %d file(s) into %s; Ctrl-C to stop%n", followers.size(), config.topic(OwnedTopic.RAW));
            while (!stop.get()) {
                int n = 0;
                for (var f : followers) {
                    n += f.poll();
                }
                sent += n;
                if (n > 0) {
                    lastNew = System.currentTimeMillis();
                    System.err.printf("… %,d records sent%n", sent);
                } else if (idle != null && System.currentTimeMillis() - lastNew >= idle.toMillis()) {
                    break;
                } else {
                    try {
                        Thread.sleep(200);   // polling, as tail -F does: files give no portable change event
                    } catch (InterruptedException e) {
                        break;
                    }
                }
            }
            for (var f : followers) {
                f.close();
            }
        } finally {
            if (!stop.get()) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        System.out.printf("followed: %,d records sent to %s%n", sent, config.topic(OwnedTopic.RAW));
        return 0;
    }

    /** Validates every input before anything is sent; a null entry stands for stdin. */
    static List<Path> expand(List<String> inputs) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String in : inputs) {
            if (in.equals("-")) {
                out.add(null);
                continue;
            }
            Path p = Path.of(in);
            if (Files.isDirectory(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.filter(Files::isRegularFile).sorted().forEach(out::add);
                }
            } else if (Files.isRegularFile(p)) {
                out.add(p);
            } else {
                throw new IllegalArgumentException("no such file or directory: " + in);
            }
        }
        return out;
    }
}
