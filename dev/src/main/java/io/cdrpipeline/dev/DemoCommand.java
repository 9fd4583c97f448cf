package io.cdrpipeline.dev;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import io.cdrpipeline.demo.Demo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The demo, end to end on an embedded broker; exits by itself. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Start an embedded Kafka, run the pipeline on the bundled samples and synthetic traffic, print the books, exit.")
final class DemoCommand implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "5000", description = "Synthetic CDRs to add to the samples (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--keep", description = "Keep the broker and state directory afterwards (printed at the end).")
    boolean keep;

    @Option(names = "--kpi-chart", defaultValue = "cdr-demo-kpi.png", paramLabel = "FILE",
            description = "Where to draw ASR and ACD per destination of the synthetic traffic (PNG; default ${DEFAULT-VALUE}; "
                    + "'none' for no chart).")
    String kpiChart;

    @Override
    public Integer call() throws Exception {
        if (records < 0 || records > 10_000_000) {
            throw new IllegalArgumentException("--records must be 0..10000000, got " + records);
        }
        // The demo's own output is the point, Kafka's start-up chatter (an empty metadata log, a state
        // directory under /tmp, internal topics not created yet) is not: errors only, unless asked.
        System.setProperty("KAFKA_LOG_LEVEL", System.getProperty("KAFKA_LOG_LEVEL", "ERROR"));
        System.setProperty("CDR_LOG_LEVEL", System.getProperty("CDR_LOG_LEVEL", "WARN"));
        reloadLogging();
        if (!kpiChart.equals("none") && Path.of(kpiChart).toAbsolutePath().getParent() != null
                && !Files.isDirectory(Path.of(kpiChart).toAbsolutePath().getParent())) {
            throw new IllegalArgumentException("--kpi-chart: directory " + Path.of(kpiChart).toAbsolutePath().getParent()
                    + " does not exist");
        }
        System.setProperty("java.awt.headless", "true");
        Path work = Files.createTempDirectory("cdr-demo-");
        try {
            return new Demo(System.out, work, records, kpiChart.equals("none") ? null : Path.of(kpiChart)).run() ? 0 : 1;
        } finally {
            if (keep) {
                System.out.println("kept " + work);
            } else {
                delete(work);
            }
        }
    }

    /** Reads logback.xml again, with the levels just set (a logger may exist already: picocli's start-up). */
    private static void reloadLogging() throws JoranException {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.reset();
            new ContextInitializer(context).autoConfig();
        }
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
