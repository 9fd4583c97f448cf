package io.cdrpipeline.cli;

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

/** Loads CDR files (or stdin, or directories of them) into the raw topic. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Load CDR files into the raw topic: one record per CSV line, one per JSON document.")
final class ProduceCommand implements Callable<Integer> {

    private static final long PROGRESS_EVERY_MS = 2_000;

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "asterisk-csv | asterisk-custom | freeswitch-csv | freeswitch-json | canonical-json")
    String format;

    @Option(names = "--source", required = true, paramLabel = "NAME", description = "Name of the switch the files come from.")
    String source;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files or directories; - for standard input.")
    List<String> files;

    @Override
    public Integer call() throws IOException {
        CdrFormat cdrFormat = CdrFormat.parse(format).orElseThrow(() -> new IllegalArgumentException(
                "--format: unknown format '" + format + "'; known: " + CdrFormat.names()));
        if (!source.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException("--source must be 1-128 of [A-Za-z0-9._-], got '" + source + "'");
        }
        List<Path> paths = expand(files);
        PipelineConfig config = kafka.load();
        PrintStream err = System.err;
        long started = System.currentTimeMillis();
        long[] lastReport = {started};
        try (RawProducer producer = new RawProducer(config.bootstrapServers(), config.get("topic.raw"),
                config.kafkaClientSettings())) {
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
                    producer.sent(), producer.bytes(), paths.size(), config.get("topic.raw"), secs, producer.sent() / secs);
        }
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
