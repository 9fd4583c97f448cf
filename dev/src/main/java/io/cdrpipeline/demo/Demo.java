package io.cdrpipeline.demo;

import io.cdrpipeline.topology.NumberCaches;
import io.cdrpipeline.app.KeyMaterial;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.CdrFiles;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.KpiCell;
import io.cdrpipeline.kpi.KpiTable;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.schema.PseudonymousParty;
import io.cdrpipeline.topology.TopicSpecs;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The demo: a real KRaft broker in this process, the topics, the pipeline with exactly-once, the
 * bundled samples of every format (bad lines and resends included) plus synthetic traffic; then
 * the books, read back with read_committed, must balance: in = billing + rejected + duplicates.
 */
public final class Demo {

    private final PrintStream out;
    private final Path workDir;
    private final int syntheticRecords;
    private final Path kpiChart;

    /** {@code kpiChart}: where the ASR/ACD chart of the synthetic traffic goes (PNG), or null for none. */
    public Demo(PrintStream out, Path workDir, int syntheticRecords, Path kpiChart) {
        this.out = out;
        this.workDir = workDir;
        this.syntheticRecords = syntheticRecords;
        this.kpiChart = kpiChart;
    }

    /** Runs the demo; returns true when the accounting balances. */
    public boolean run() throws Exception {
        long t0 = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(workDir.resolve("broker"), 0, Map.of())) {
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-demo");
            settings.put("state.dir", workDir.resolve("state").toString());
            // Windows longer than the samples' age: the books do not depend on when the first sweep runs.
            settings.put("retention.policy.file", SampleCorpus.writeRetentionPolicy(workDir).toString());
            // The traffic is from the past: each KPI window closes a few seconds after its first CDR arrived.
            settings.put("kpi.linger", "4s");
            PipelineConfig config = PipelineConfig.of(settings);
            out.printf("cdr-pipeline demo: embedded Kafka (KRaft) at %s, processing.guarantee=exactly_once_v2%n%n",
                    kafka.bootstrapServers());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.of(config)));
            }
            KeyRing keys = KeyRing.random("demo", Instant.EPOCH);
            try (PipelineApp app = new PipelineApp(config, KeyMaterial.fixed(keys), RetentionPolicy.of(config),
                    NumberCaches.of(config))) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                long in = produce(config);
                try (OutputTally tally = new OutputTally(config)) {
                    boolean balanced = tally.readUntil(() -> tally.billingRecords() + tally.rejected()
                            + app.metrics().duplicates() == in && tally.analyticsRecords() == tally.billingRecords(),
                            Duration.ofSeconds(45));
                    report(in, tally, app.metrics().duplicates(), balanced);
                    sideBySide(tally, keys);
                    kpi(tally);
                    out.printf("%ndemo finished in %.1f s%n", (System.nanoTime() - t0) / 1e9);
                    return balanced;
                }
            }
        }
    }

    private long produce(PipelineConfig config) {
        out.println("Input (cdr.raw)");
        long total = 0;
        try (RawProducer producer = new RawProducer(config)) {
            for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
                long[] n = {0};
                CdrFiles.split(f.bytes(), f.format(), p -> {
                    producer.send(p.bytes(), f.format(), f.source(), f.path(), p.position());
                    n[0]++;
                });
                out.printf("  %-62s %-16s %6d%n", f.path(), f.format(), n[0]);
                total += n[0];
            }
            TrafficGenerator generator = new TrafficGenerator(42, 2_000, 1.1, 0.02, 0.005);
            for (int i = 0; i < syntheticRecords; i++) {
                producer.send(generator.next(), CdrFormat.ASTERISK_CSV, "pbx-synth", null, 0);
            }
            out.printf("  %-62s %-16s %6d%n", "synthetic traffic (Zipf callers, " + generator.resends() + " resends, "
                    + generator.bad() + " impossible)", CdrFormat.ASTERISK_CSV, syntheticRecords);
            total += syntheticRecords;
            producer.flush();
        }
        out.printf("  %-62s %-16s %6d%n%n", "records in", "", total);
        return total;
    }

    private void report(long in, OutputTally tally, long duplicates, boolean balanced) {
        out.println("Output (read back with isolation.level=read_committed)");
        out.printf("  %-30s %6d%n", "cdr.billing", tally.billingRecords());
        out.printf("  %-30s %6d%n", "cdr.analytics", tally.analyticsRecords());
        if (tally.billingDeletions() + tally.analyticsDeletions() > 0) {
            out.printf("  %-30s %6d billing, %d analytics%n", "deleted since (tombstones)", tally.billingDeletions(),
                    tally.analyticsDeletions());
        }
        out.printf("  %-30s %6d%n", "cdr.rejected", tally.rejected());
        tally.rejectedByReason().forEach((reason, n) -> out.printf("      %-26s %6d%n", reason, n));
        out.printf("  %-30s %6d%n", "duplicates dropped", duplicates);
        out.printf("  check: in %d %s billing %d + rejected %d + duplicates %d  %s%n", in,
                balanced ? "=" : "≠", tally.billingRecords(), tally.rejected(), duplicates,
                balanced ? "OK" : "MISMATCH");
    }

    private void sideBySide(OutputTally tally, KeyRing keys) {
        out.println("\nThe same calls in billing (PII) and in analytics (pseudonymous):");
        Pseudonymizer p = new Pseudonymizer(keys, new NumberFacts(100));
        List<BillingRecord> examples = tally.billing().values().stream()
                .filter(b -> b.getCalling().getType() == NumberType.E164 && b.getCalled().getType() == NumberType.E164)
                .filter(b -> !b.getSource().equals("pbx-synth"))
                .limit(3).toList();
        for (BillingRecord b : examples) {
            AnalyticsRecord a = tally.analytics().get(p.derive(b).pseudoRecordId());
            out.printf("  billing   %-34s %s -> %s  %s %ds%n", b.getRecordId(), party(b.getCalling()), party(b.getCalled()),
                    b.getStartTime(), b.getBillableSeconds());
            if (a == null) {
                out.println("  analytics MISSING (the books above do not balance)");
                continue;
            }
            out.printf("  analytics %-34s %s -> %s  %s %ds epoch=%s%n%n", a.getPseudoRecordId(), party(a.getCalling()),
                    party(a.getCalled()), a.getStartMinute(), a.getBillableSeconds(), a.getKeyEpoch());
        }
    }

    /** The synthetic traffic's day in cdr.kpi: waits for it to close, prints its cells, draws the chart. */
    private void kpi(OutputTally tally) throws java.io.IOException {
        java.util.function.Supplier<List<KpiCell>> day = () -> tally.kpi().stream()
                .filter(c -> c.getSource().equals("pbx-synth") && c.getWindowSize().equals("P1D")).toList();
        if (syntheticRecords == 0 || !tally.readUntil(() -> !day.get().isEmpty(), Duration.ofSeconds(60))) {
            out.println("\ncdr.kpi: no day of synthetic traffic published");
            return;
        }
        List<KpiCell> cells = day.get().stream().sorted(KpiTable.ORDER).toList();
        out.printf("%nQuality per destination in cdr.kpi (anonymous: cells of at least k = %d distinct callers),%n"
                + "pbx-synth, the day %s — %d cells published in all windows so far:%n",
                cells.get(0).getK(), cells.get(0).getWindowStart().toString().substring(0, 10), tally.kpi().size());
        KpiTable.render(cells).lines().forEach(l -> out.println("  " + l));
        if (kpiChart != null) {
            try {
                KpiChart.write(cells, "pbx-synth, " + cells.get(0).getWindowStart().toString().substring(0, 10)
                        + ": ASR and ACD per destination (cdr.kpi)", kpiChart);
                out.println("  chart: " + kpiChart.toAbsolutePath());
            } catch (RuntimeException | Error e) {
                // The books above stand without the picture: a machine without fonts cannot draw it.
                out.println("  chart not drawn (" + e.getClass().getSimpleName() + ": " + e.getMessage() + "); a machine "
                        + "without fonts needs them: apt-get install fontconfig fonts-dejavu-core");
            }
        }
    }

    private static String party(PartyNumber n) {
        return n.getNumber() == null ? n.getType().toString() : n.getNumber();
    }

    private static String party(PseudonymousParty n) {
        if (n.getPseudonym() == null) {
            return n.getType().toString();
        }
        String prefix = n.getCountryCode() == null ? "" : "+" + n.getCountryCode()
                + (n.getDestinationCode() == null ? "" : " " + n.getDestinationCode());
        return "[" + prefix + "]" + n.getPseudonym();
    }
}
