package io.cdrpipeline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.concurrent.Callable;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.util.List;

/** {@code cdr-pipeline bench}: every figure of BENCHMARKS.md from one run, printed as Markdown. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark: per-stage costs (JMH), end-to-end throughput against an exactly-once pass-through "
                + "on the embedded broker, sweep rate, index bytes per record, peak memory. Prints Markdown.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--records", defaultValue = "100000", description = "CDRs per end-to-end run (default ${DEFAULT-VALUE}).")
    int records;

    @Option(names = "--skip-jmh", description = "Only the end-to-end part.")
    boolean skipJmh;

    @Option(names = "--quick", description = "About two minutes: the steady ceilings-and-pipeline rounds only, 100,000 CDRs "
            + "a run (what a developer runs before and after a change).")
    boolean quick;

    @Option(names = "--sweep", description = "Only the sweep: --records CDRs through the pipeline, then all of them "
            + "deleted by a policy change (embedded broker, one pass).")
    boolean sweep;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds of the steady bench (default ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--recovery", split = ",", paramLabel = "N", description = "Only the recovery bench: time to ready "
            + "after kill -9 of run with N retained CDRs in one task, transactional stores or not (e.g. 100000,1000000).")
    List<Integer> recovery;

    @Override
    public Integer call() throws Exception {
        System.setProperty("KAFKA_LOG_LEVEL", System.getProperty("KAFKA_LOG_LEVEL", "ERROR"));
        System.setProperty("CDR_LOG_LEVEL", System.getProperty("CDR_LOG_LEVEL", "WARN"));
        if (recovery != null) {
            System.out.println("### Recovery after kill -9 (run in its own JVM, one partition, static membership)\n\n"
                    + new RecoveryBench(Files.createTempDirectory("cdr-recovery-")).run(recovery));
            return 0;
        }
        if (rounds < 1 || records < 1000) {
            throw new IllegalArgumentException("--rounds must be at least 1 and --records at least 1000");
        }
        StringBuilder out = new StringBuilder("## cdr-pipeline bench\n\n");
        out.append(String.format("Machine: %d cores (%s), %s %s, max heap %d MB%n%n",
                Runtime.getRuntime().availableProcessors(), cpu(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20));
        if (sweep) {
            System.out.println(new EndToEndBench(Files.createTempDirectory("cdr-bench-"), records).sweepOnly());
            return 0;
        }
        if (quick) {
            out.append("### Steady end to end (quick)\n\n")
                    .append(new SteadyBench(Files.createTempDirectory("cdr-bench-"), 100_000, rounds, 4).run());
            System.out.println(out);
            return 0;
        }
        if (!skipJmh) {
            // Two forks: one fork's wholeCdr moved by ±0.5 µs from run to run, as much as the target's margin.
            Options opts = new OptionsBuilder().include(StageBenchmarks.class.getName()).forks(2)
                    .warmupIterations(5).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                    .jvmArgs("-Xmx512m").build();
            Collection<RunResult> results = new Runner(opts).run();
            out.append("### Per-CDR cost per stage (JMH, one thread, ns/op; 2 forks × 5 × 1 s after 5 × 1 s warm-up)\n\n"
                    + "| stage | columns | numbers | ns/op | ± (99.9 %) |\n|---|---|---|---|---|\n");
            for (RunResult r : results) {
                out.append(String.format("| %s | %s | %s | %,.0f | %,.0f |%n", r.getParams().getBenchmark().replaceAll(".*\\.", ""),
                        r.getParams().getParam("columns"), r.getParams().getParam("numbers"), r.getPrimaryResult().getScore(),
                        r.getPrimaryResult().getScoreError()));
            }
            out.append('\n');
        }
        Path work = Files.createTempDirectory("cdr-bench-");
        out.append("### Steady end to end: the pipeline against three exactly-once ceilings\n\n")
                .append(new SteadyBench(work.resolve("steady"), records, rounds, 8).run()).append('\n');
        String e2e = new EndToEndBench(work, records).run();
        out.append("### Other inputs, sweep and index (embedded broker in the same JVM; one pass, not steady)\n\n").append(e2e);
        long heapPeak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        out.append(String.format("%nPeak heap %d MB, peak resident %s (one process: broker, pipeline, producers)%n",
                heapPeak >> 20, rss()));
        System.out.println(out);
        return 0;
    }

    private static String cpu() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }

    private static String rss() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                    .findFirst().map(l -> l.replace("VmHWM:", "").strip()).orElse("?");
        } catch (Exception e) {
            return "?";
        }
    }
}
