package io.cdrpipeline.bench;

import io.cdrpipeline.app.KeyMaterial;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.topology.NumberCaches;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;

/**
 * End-to-end figures on the embedded broker, all in one run: the full pipeline with exactly-once
 * against a plain exactly-once pass-through ({@code stream(in).to(out)}) over the same records,
 * for Asterisk CSV and FreeSWITCH JSON input and for all-unique numbers; then the sweep rate of
 * the resulting backlog and the index bytes per retained record.
 */
public final class EndToEndBench {

    private final Path work;
    private final int records;
    private final StringBuilder report = new StringBuilder();
    /**
     * Number caches as a long-running pipeline has them: filled by the warm-up runs, which draw
     * from the same subscriber population, and copied for each timed run, so that every row starts
     * equally warm (numbers of the Zipf tail are still met for the first time). All-unique numbers
     * miss every time whatever the caches hold.
     */
    private NumberCaches warmCaches;
    private boolean warm;

    public EndToEndBench(Path work, int records) {
        this.work = work;
        this.records = records;
    }

    public String run() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("broker"), 0, Map.of())) {
            String bs = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
                for (String t : List.of("in.warm", "in.csv", "in.foreign", "in.json", "in.unique", "out.warm", "out.csv", "out.json",
                        "out.csv.b", "out.json.b", "out.warm2")) {
                    admin.createTopics(List.of(new NewTopic(t, 4, (short) 1))).all().get();
                }
            }
            int jsonRecords = Math.max(1000, records / 3);
            BenchInputs.load(bs, "in.warm", CdrFormat.ASTERISK_CSV, new TrafficGenerator(4, 20_000, 1.1, 0, 0)::next, records / 2);
            BenchInputs.load(bs, "in.csv", CdrFormat.ASTERISK_CSV, new TrafficGenerator(5, 20_000, 1.1, 0, 0)::next, records);
            BenchInputs.loadForeign(bs, "in.foreign", new TrafficGenerator(5, 20_000, 1.1, 0, 0)::next, records);
            BenchInputs.load(bs, "in.unique", CdrFormat.ASTERISK_CSV, TrafficGenerator.allUnique(6)::next, records);
            BenchInputs.load(bs, "in.json", CdrFormat.FREESWITCH_JSON, BenchInputs.jsonDocs(), jsonRecords);
            // Warm-up: the JIT compiles broker, client and pipeline paths before anything is timed. The
            // process keeps getting faster for minutes (a pass-through timed after the pipelines ran
            // at twice the speed of one timed before them), so both kinds run twice first, and each
            // ceiling is measured before and after its pipelines: the ratio uses their mean.
            passThrough(bs, "in.warm", "out.warm", records / 2, "warm");
            pipeline(bs, "in.warm", records / 2, "warm", false, false);
            passThrough(bs, "in.warm", "out.warm2", records / 2, "warm2");
            pipeline(bs, "in.warm", records / 2, "warm-again", false, false);
            warm = true;
            double csvBefore = passThrough(bs, "in.csv", "out.csv", records, "a");
            double csv = pipeline(bs, "in.csv", records, "csv", true, false);
            double csvRepartition = pipeline(bs, "in.foreign", records, "csv-foreign", false, true);
            double csvAgain = pipeline(bs, "in.csv", records, "csv-again", false, false);
            double unique = pipeline(bs, "in.unique", records, "unique", false, false);
            double csvAfter = passThrough(bs, "in.csv", "out.csv.b", records, "b");
            double jsonBefore = passThrough(bs, "in.json", "out.json", jsonRecords, "a");
            double json = pipeline(bs, "in.json", jsonRecords, "json", false, false);
            double jsonAfter = passThrough(bs, "in.json", "out.json.b", jsonRecords, "b");
            report.append("| input | records | pass-through EOS (rec/s; before / after) | full pipeline EOS (rec/s) "
                    + "| ratio to the mean ceiling |\n").append("|---|---|---|---|---|\n");
            row("Asterisk CSV, Zipf numbers (default configuration)", records, csvBefore, csvAfter, csv);
            row("Asterisk CSV, Zipf, foreign producer (every record takes the by-identity repartition)", records, csvBefore,
                    csvAfter, csvRepartition);
            row("Asterisk CSV, Zipf, default configuration again", records, csvBefore, csvAfter, csvAgain);
            row("Asterisk CSV, all-unique numbers", records, csvBefore, csvAfter, unique);
            row("FreeSWITCH JSON", jsonRecords, jsonBefore, jsonAfter, json);
        }
        return report.toString();
    }

    /** Only the sweep: the CSV input through the pipeline once, then its whole backlog deleted (bench --sweep). */
    public String sweepOnly() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("broker"), 0, Map.of())) {
            String bs = kafka.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
                admin.createTopics(List.of(new NewTopic("in.csv", 4, (short) 1))).all().get();
            }
            BenchInputs.load(bs, "in.csv", CdrFormat.ASTERISK_CSV, new TrafficGenerator(5, 20_000, 1.1, 0, 0)::next, records);
            pipeline(bs, "in.csv", records, "csv", true, false);
        }
        return report.toString();
    }

    private void row(String input, int n, double before, double after, double full) {
        double ceiling = (before + after) / 2;
        report.append(String.format("| %s | %,d | %,.0f / %,.0f | %,.0f | %.0f %% |%n", input, n, before, after, full,
                100 * full / ceiling));
    }

    private double passThrough(String bs, String in, String out, int n, String run) throws Exception {
        LongAdder seen = new LongAdder();
        StreamsBuilder b = new StreamsBuilder();
        b.stream(in, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .peek((k, v) -> seen.increment())
                .to(out, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        String app = "bench-pass-" + run + "-" + in.replace('.', '-');
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("state-pass").toString());
        p.put("consumer.auto.offset.reset", "earliest");
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            return Timing.timed(app, streams::start, () -> streams.state() == KafkaStreams.State.RUNNING, seen::sum, n).rate();
        }
    }

    private double pipeline(String bs, String in, int n, String name, boolean sweep, boolean repartition) throws Exception {
        PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", bs, "application.id", "bench-" + name,
                "state.dir", work.resolve("state-" + name).toString(), "topic.raw", in,
                "topic.billing", "billing." + name, "topic.analytics", "analytics." + name,
                "topic.rejected", "rejected." + name, "topic.audit", "audit." + name, "default.region", "DE",
                "default.zone", "UTC"));
        RetentionPolicy keep = RetentionPolicy.parse("version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n", "keep");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
            TopicAdmin.apply(admin, TopicSpecs.all(config, keep).stream().filter(t -> !t.name().equals(in)).toList());
        }
        KeyRing keys = KeyRing.random("bench", Instant.EPOCH);
        double rate;
        if (warmCaches == null) {
            warmCaches = NumberCaches.of(config);
        }
        try (PipelineApp app = new PipelineApp(config, KeyMaterial.fixed(keys), keep,
                warm ? warmCaches.copy() : warmCaches)) {
            rate = Timing.timed("bench-" + name, app::start, () -> app.state() == KafkaStreams.State.RUNNING,
                    app.metrics()::pseudonymized, n).rate();
            if (sweep) {
                report.insert(0, IndexBytes.of(app.streams()));
            }
        }
        if (sweep) {
            RetentionPolicy shorten = RetentionPolicy.parse("version: 2\nsweep-interval: 1s\nwindows: {billing: 1d, analytics: 1d}\n", "s");
            try (PipelineApp app = new PipelineApp(config, KeyMaterial.fixed(keys), shorten, NumberCaches.of(config))) {
                RetentionMetrics m = app.retentionMetrics();
                SteadyBench.Run swept = Timing.timed("bench-" + name, app::start,
                        () -> app.state() == KafkaStreams.State.RUNNING,
                        () -> m.deleted(DataClass.BILLING) + m.deleted(DataClass.ANALYTICS), 2L * n);
                // Per deleted CDR: two tombstones and the expiry index's changelog tombstone; receipts are per
                // step and topic (up to 1,000 deletions each), a few per step.
                double writesPerSecond = swept.rate() * 3 / 2;
                report.insert(0, String.format("Retention sweep: a policy change (3650 → 1 day) puts all %,d CDRs out of "
                        + "their windows; their %,d billing and analytics records were deleted at %,.0f tombstones/s "
                        + "(%d bounded steps, %d rebalances). The stream thread was on CPU %.1f µs per tombstone, %.0f %% "
                        + "of the sweep's wall time; ≈ %,.0f records/s written (per deleted CDR 2 tombstones and 1 changelog "
                        + "tombstone, receipts aggregated per step), each step one transaction%n%n", n, 2L * n, swept.rate(), m.sweeps(),
                        app.rebalancesSinceRunning(), swept.cpuMicros(), swept.cpuMicros() * swept.rate() / 1e4,
                        writesPerSecond));
            }
        }
        return rate;
    }
}
