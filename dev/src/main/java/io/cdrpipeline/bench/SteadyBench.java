package io.cdrpipeline.bench;

import io.cdrpipeline.app.KeyMaterial;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.NumberCaches;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;

/**
 * The end-to-end bench made steady: the broker in its own JVM (as in production), this JVM only
 * the measured Kafka Streams application; a warm-up repeated until the 1→1 ceiling stops rising
 * (within 5 % of the round before); then rounds that each time the three exactly-once ceilings —
 * 1 in → 1 out, → 2 out, → 3 out (what the pipeline writes per CDR: billing, analytics, the expiry
 * index's changelog) — and the pipeline, one after the other, so that drift touches all alike.
 * Every figure is the median of the rounds with its spread ((max − min) / median); next to each,
 * the stream thread's CPU time per CDR.
 */
final class SteadyBench {

    /** One measured run: records per second and the stream thread's CPU microseconds per record. */
    record Run(double rate, double cpuMicros) {
    }

    private final Path work;
    private final int records;
    private final int rounds;
    private final int maxWarmups;
    private static final int MIN_WARMUPS = 4;
    private boolean warmedUp;
    private int seq;
    /** Number caches filled by the warm-up pipelines; each measured run starts from a copy, as a long-running one would. */
    private NumberCaches warmCaches;
    private boolean warm;

    SteadyBench(Path work, int records, int rounds, int maxWarmups) {
        this.work = work;
        this.records = records;
        this.rounds = rounds;
        this.maxWarmups = maxWarmups;
    }

    String run() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(work.resolve("broker"))) {
            String bs = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
                for (String t : List.of("in.csv", "out.1", "out.2", "out.3")) {
                    admin.createTopics(List.of(new NewTopic(t, 4, (short) 1))).all().get();
                }
            }
            BenchInputs.load(bs, "in.csv", CdrFormat.ASTERISK_CSV, new TrafficGenerator(5, 20_000, 1.1, 0, 0)::next, records);
            long warmStart = System.nanoTime();
            List<Double> warmups = new ArrayList<>();
            // A plateau of one step fooled a single comparison (73k, 73k, then 142k measured): at least
            // MIN_WARMUPS rounds, and the ceiling within 5 % of the round before twice in a row.
            int steady = 0;
            for (int i = 0; i < maxWarmups && (i < MIN_WARMUPS || steady < 2); i++) {
                double c = ceiling(bs, 1).rate();
                pipeline(bs);
                double previous = warmups.isEmpty() ? 0 : warmups.get(warmups.size() - 1);
                steady = previous > 0 && Math.abs(c - previous) / previous < 0.05 ? steady + 1 : 0;
                warmups.add(c);
            }
            warmedUp = steady >= 2;
            double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
            warm = true;
            List<List<Run>> runs = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int r = 0; r < rounds; r++) {
                runs.get(0).add(ceiling(bs, 1));
                runs.get(1).add(ceiling(bs, 2));
                runs.get(2).add(ceiling(bs, 3));
                runs.get(3).add(pipeline(bs));
            }
            return report(warmups, warmSeconds, runs);
        }
    }

    private String report(List<Double> warmups, double warmSeconds, List<List<Run>> runs) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Broker in its own JVM; %,d Asterisk CSV CDRs (Zipf numbers, our producer) per run, "
                + "4 partitions, 1 stream thread, exactly_once_v2. Warm-up: %d rounds, %.0f s, until the 1→1 ceiling moved "
                + "less than 5 %% twice in a row, at least %d rounds (%s rec/s%s); then %d rounds, each timing the three ceilings and the pipeline in turn. Each "
                + "measured pipeline starts from a copy of the number caches the warm-up filled, as a long-running one has them."
                + "%n%n",
                records, warmups.size(), warmSeconds, MIN_WARMUPS,
                warmups.stream().map(w -> String.format("%,.0f", w)).toList(),
                warmedUp ? "" : "; stopped at the cap of " + maxWarmups + " rounds, still moving",
                runs.get(0).size()));
        out.append("| run | rec/s, median | spread | stream-thread CPU per CDR, median |\n|---|---|---|---|\n");
        String[] names = {"ceiling 1 in → 1 out", "ceiling 1 in → 2 out", "ceiling 1 in → 3 out", "pipeline (writes 3 per CDR)"};
        for (int i = 0; i < 4; i++) {
            List<Run> r = runs.get(i);
            out.append(String.format("| %s | %,.0f | %.0f %% | %.1f µs |%n", names[i], median(r.stream().map(Run::rate).toList()),
                    100 * spread(r.stream().map(Run::rate).toList()), median(r.stream().map(Run::cpuMicros).toList())));
        }
        List<Double> to11 = new ArrayList<>();
        List<Double> to13 = new ArrayList<>();
        for (int i = 0; i < runs.get(3).size(); i++) {
            to11.add(runs.get(3).get(i).rate() / runs.get(0).get(i).rate());
            to13.add(runs.get(3).get(i).rate() / runs.get(2).get(i).rate());
        }
        out.append(String.format("%nPipeline ÷ 1→1 ceiling: %.0f %% (per round %s); pipeline ÷ 1→3 ceiling (same writes): "
                + "%.0f %% (per round %s). Noise: the 1→1 ceiling's spread over the rounds, %.0f %%.%n",
                100 * median(to11), percents(to11), 100 * median(to13), percents(to13),
                100 * spread(runs.get(0).stream().map(Run::rate).toList())));
        return out.toString();
    }

    /** An exactly-once pass-through writing each input record to {@code outputs} topics. */
    private Run ceiling(String bs, int outputs) throws Exception {
        LongAdder seen = new LongAdder();
        StreamsBuilder b = new StreamsBuilder();
        KStream<byte[], byte[]> s = b.stream("in.csv", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .peek((k, v) -> seen.increment());
        for (int o = 1; o <= outputs; o++) {
            s.to("out." + o, Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        }
        Properties p = new Properties();
        String app = "ceiling-" + outputs + "-" + (++seq);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, work.resolve("state-" + app).toString());
        p.put("consumer.auto.offset.reset", "earliest");
        try (KafkaStreams streams = new KafkaStreams(b.build(), p)) {
            return Timing.timed(app, streams::start, () -> streams.state() == KafkaStreams.State.RUNNING, seen::sum, records);
        }
    }

    private Run pipeline(String bs) throws Exception {
        String app = "pipeline-" + (++seq);
        PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", bs, "application.id", app,
                "state.dir", work.resolve("state-" + app).toString(), "topic.raw", "in.csv", "default.region", "DE",
                "default.zone", "UTC"));
        RetentionPolicy keep = RetentionPolicy.parse("version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n", "keep");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bs))) {
            TopicAdmin.apply(admin, TopicSpecs.all(config, keep).stream().filter(t -> !t.name().equals("in.csv")).toList());
        }
        if (warmCaches == null) {
            warmCaches = NumberCaches.of(config);
        }
        try (PipelineApp pipeline = new PipelineApp(config, KeyMaterial.fixed(KeyRing.random("bench", Instant.EPOCH)), keep,
                warm ? warmCaches.copy() : warmCaches)) {
            return Timing.timed(app, pipeline::start, () -> pipeline.state() == KafkaStreams.State.RUNNING,
                    pipeline.metrics()::pseudonymized, records);
        }
    }

    static double median(List<Double> values) {
        List<Double> v = values.stream().sorted().toList();
        int n = v.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    static double spread(List<Double> values) {
        double m = median(values);
        return values.isEmpty() ? Double.NaN
                : (values.stream().mapToDouble(Double::doubleValue).max().orElse(0)
                        - values.stream().mapToDouble(Double::doubleValue).min().orElse(0)) / m;
    }

    private static List<String> percents(List<Double> ratios) {
        return ratios.stream().map(r -> String.format("%.0f %%", 100 * r)).toList();
    }
}
