package io.cdrpipeline.bench;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.AsteriskCsvAdapter;
import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.ingest.FreeSwitchJsonAdapter;
import io.cdrpipeline.ingest.RejectedCdr;
import io.cdrpipeline.ingest.SourceSettings;
import io.cdrpipeline.ingest.SwitchCdr;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.serde.AvroSerde;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import java.util.Map;

/**
 * Per-CDR cost of each stage, one thread: parse (adapter), normalise (numbers, validation, id),
 * pseudonymise, encode (Avro single-object, billing and analytics), and all of them together.
 * {@code numbers=zipf} draws callers and callees from 20,000 subscribers Zipf-like, as real
 * traffic repeats numbers; {@code numbers=unique} never repeats one (every lookup misses the caches).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StageBenchmarks {

    private static final int LINES = 65_536;

    @Param({"zipf", "unique"})
    public String numbers;

    /**
     * 21: cdr_csv with newcdrcolumns (the CDR's sequence makes its id); 18: loguniqueid and
     * loguserfield only, the common Master.csv — its id needs a digest of the call facts.
     */
    @Param({"21", "18"})
    public int columns;

    private byte[][] lines;
    private String[] texts;
    private SwitchCdr[] parsed;
    private BillingRecord[] billing;
    private String fsJson;
    private int i;
    private final SourceSettings source = SourceSettings.defaults("pbx-synth", "DE", ZoneOffset.UTC);
    private final AsteriskCsvAdapter asterisk = new AsteriskCsvAdapter();
    private final FreeSwitchJsonAdapter freeswitch = new FreeSwitchJsonAdapter();
    private Normalizer normalizer;
    private Pseudonymizer pseudonymizer;
    private CdrParser parser;
    private final AvroSerde<BillingRecord> billingSerde = Topics.billingSerde();
    private final AvroSerde<AnalyticsRecord> analyticsSerde = Topics.analyticsSerde();

    @Setup(Level.Trial)
    public void setUp() throws RejectedCdr {
        TrafficGenerator gen = numbers.equals("zipf") ? new TrafficGenerator(1, 20_000, 1.1, 0, 0)
                : TrafficGenerator.allUnique(1);
        NumberNormalizer numberCache = new NumberNormalizer(200_000);
        normalizer = new Normalizer(numberCache);
        pseudonymizer = new Pseudonymizer(KeyRing.random("bench", Instant.EPOCH), new NumberFacts(200_000));
        parser = new CdrParser(PipelineConfig.of(Map.of("source.pbx-synth.region", "DE", "source.pbx-synth.zone", "UTC")).sources(),
                new Normalizer(numberCache), 262_144);
        lines = new byte[LINES][];
        texts = new String[LINES];
        parsed = new SwitchCdr[LINES];
        billing = new BillingRecord[LINES];
        for (int k = 0; k < LINES; k++) {
            lines[k] = columns == 21 ? gen.next() : withoutNewCdrColumns(gen.next());
            texts[k] = new String(lines[k], StandardCharsets.UTF_8);
            parsed[k] = asterisk.parse(texts[k], source);
            billing[k] = normalizer.normalize(parsed[k], source, texts[k]).toBilling();
        }
        fsJson = new String(SampleCorpus.files().stream().filter(f -> f.path().contains("a_7f4d")).findFirst()
                .orElseThrow().bytes(), StandardCharsets.UTF_8);
    }

    /** Drops peeraccount, linkedid and sequence: an 18-column line with the same uniqueid and userfield. */
    private static byte[] withoutNewCdrColumns(byte[] line) {
        String s = new String(line, StandardCharsets.UTF_8);
        int cut = s.length();
        for (int n = 0; n < 3; n++) {
            cut = s.lastIndexOf(',', cut - 1);
        }
        return s.substring(0, cut).getBytes(StandardCharsets.UTF_8);
    }

    private int next() {
        i = (i + 1) & (LINES - 1);
        return i;
    }

    @Benchmark
    public SwitchCdr parseAsteriskCsv() throws RejectedCdr {
        return asterisk.parse(texts[next()], source);
    }

    @Benchmark
    public SwitchCdr parseFreeSwitchJson() throws RejectedCdr {
        return freeswitch.parse(fsJson, source);
    }

    @Benchmark
    public Object normalize() throws RejectedCdr {
        int k = next();
        return normalizer.normalize(parsed[k], source, texts[k]);
    }

    @Benchmark
    public AnalyticsRecord pseudonymize() {
        return pseudonymizer.pseudonymize(billing[next()]);
    }

    @Benchmark
    public int encodeBillingAndAnalytics() {
        int k = next();
        return billingSerde.encode(billing[k]).length + analyticsSerde.encode(pseudonymizer.pseudonymize(billing[k])).length;
    }

    @Benchmark
    public int wholeCdr() {
        var outcome = parser.parse(lines[next()], "asterisk-csv", "pbx-synth");
        BillingRecord b = outcome.record().toBilling();
        return billingSerde.encode(b).length + analyticsSerde.encode(pseudonymizer.pseudonymize(b)).length;
    }
}
