package io.cdrpipeline.ingest;

import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.normalize.ParseOutcome;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.normalize.CallRecord;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.produce.CdrFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Thousands of random and mutated records thrown at every adapter through the parser: nothing
 * escapes as an exception, and every input is accounted for as exactly one record or one
 * rejection with a reason. Mutations start from the bundled corpus lines, so they probe the
 * paths real lines take (quotes, commas, times, numbers, JSON structure).
 */
class CdrParserPropertiesTest {

    private static final PipelineConfig CONFIG = PipelineConfig.of(SampleCorpus.sourceSettings());
    private static final List<Tuple.Tuple3<byte[], CdrFormat, String>> CORPUS = corpus();

    private final CdrParser parser = new CdrParser(CONFIG.sources(), new Normalizer(new NumberNormalizer(10_000)), 262_144);

    @Property(tries = 3000)
    void randomBytesAreAccountedFor(@ForAll("formats") CdrFormat format, @ForAll byte[] payload) {
        assertAccounted(parser.parse(payload, format.id(), "fuzz"));
    }

    @Property(tries = 5000)
    void mutatedCorpusLinesAreAccountedFor(@ForAll("mutated") Tuple.Tuple3<byte[], CdrFormat, String> input) {
        ParseOutcome o = parser.parse(input.get1(), input.get2().id(), input.get3());
        assertAccounted(o);
        Statistics.collect(o.isRejected() ? "rejected" : "parsed");
        Statistics.coverage(c -> {
            c.check("parsed").percentage(p -> p > 2.0);
            c.check("rejected").percentage(p -> p > 2.0);
        });
    }

    @Property(tries = 3000)
    void randomCsvRowsOfPlausibleWidthAreAccountedFor(@ForAll("csvRows") String row, @ForAll("csvFormats") CdrFormat format) {
        assertAccounted(parser.parse(row.getBytes(StandardCharsets.UTF_8), format.id(), "pbx-berlin"));
    }

    @Property(tries = 1000)
    void unknownFormatsAndMissingHeadersAreRejectedNotThrown(@ForAll String format, @ForAll String source,
            @ForAll byte[] payload) {
        ParseOutcome o = parser.parse(payload, format, source);
        assertAccounted(o);
    }

    @Property(tries = 200)
    void everyCorpusLineGivesTheSameOutcomeTwice(@ForAll("corpusLines") Tuple.Tuple3<byte[], CdrFormat, String> line) {
        ParseOutcome first = parser.parse(line.get1(), line.get2().id(), line.get3());
        ParseOutcome second = parser.parse(line.get1(), line.get2().id(), line.get3());
        assertThat(second).isEqualTo(first);
    }

    private static void assertAccounted(ParseOutcome o) {
        assertThat(o).isNotNull();
        if (o.isRejected()) {
            assertThat(o.record()).isNull();
            assertThat(o.detail()).isNotBlank();
            assertThat(o.source()).isNotBlank();
        } else {
            CallRecord r = o.record();
            assertThat(r.recordId()).startsWith(r.source() + ":");
            assertThat(r.end()).isAfterOrEqualTo(r.start());
            assertThat(r.durationSeconds()).isNotNegative();
            assertThat(r.billableSeconds()).isNotNegative();
            assertThat(r.calling()).isNotNull();
            assertThat(r.called()).isNotNull();
            assertThat(r.disposition()).isNotNull();
            r.toBilling();
        }
    }

    @Provide
    Arbitrary<CdrFormat> formats() {
        return Arbitraries.of(CdrFormat.class);
    }

    @Provide
    Arbitrary<CdrFormat> csvFormats() {
        return Arbitraries.of(CdrFormat.ASTERISK_CSV, CdrFormat.ASTERISK_CUSTOM, CdrFormat.FREESWITCH_CSV);
    }

    @Provide
    Arbitrary<Tuple.Tuple3<byte[], CdrFormat, String>> corpusLines() {
        return Arbitraries.of(CORPUS);
    }

    @Provide
    Arbitrary<Tuple.Tuple3<byte[], CdrFormat, String>> mutated() {
        Arbitrary<Tuple.Tuple3<byte[], CdrFormat, String>> base = Arbitraries.of(CORPUS);
        Arbitrary<List<int[]>> edits = Arbitraries.integers().between(0, 5).flatMap(kind ->
                Arbitraries.integers().between(0, 100_000).flatMap(pos ->
                        Arbitraries.integers().between(0, 255).map(b -> new int[] {kind, pos, b})))
                .list().ofMinSize(1).ofMaxSize(6);
        return Combinators.combine(base, edits).as((t, e) -> Tuple.of(mutate(t.get1(), e), t.get2(), t.get3()));
    }

    @Provide
    Arbitrary<String> csvRows() {
        Arbitrary<String> plain = Arbitraries.strings().withChars("0123456789-: .+ABCanonymous,").ofMaxLength(24);
        Arbitrary<String> quoted = Arbitraries.strings().ofMaxLength(30).map(s -> "\"" + s.replace("\"", "\"\"") + "\"");
        Arbitrary<String> times = Arbitraries.integers().between(0, 400_000_000)
                .map(s -> java.time.LocalDateTime.of(2020, 1, 1, 0, 0).plusSeconds(s).toString().replace('T', ' '))
                .map(s -> "\"" + s + "\"");
        Arbitrary<String> field = Arbitraries.oneOf(plain, quoted, times, Arbitraries.just(""),
                Arbitraries.integers().between(-5, 100_000).map(String::valueOf));
        return field.list().ofMinSize(13).ofMaxSize(22).map(fields -> String.join(",", fields));
    }

    private static byte[] mutate(byte[] in, List<int[]> edits) {
        List<Byte> b = new ArrayList<>();
        for (byte x : in) {
            b.add(x);
        }
        byte[] specials = {'"', ',', '\n', '\r', 0, '{', '}', '%', '-', ':', ' ', (byte) 0xC3};
        for (int[] e : edits) {
            int pos = b.isEmpty() ? 0 : e[1] % b.size();
            switch (e[0]) {
                case 0 -> { if (!b.isEmpty()) { b.remove(pos); } }
                case 1 -> b.add(pos, (byte) e[2]);
                case 2 -> b.add(pos, specials[e[2] % specials.length]);
                case 3 -> { if (!b.isEmpty()) { b.set(pos, (byte) ('0' + e[2] % 10)); } }
                case 4 -> { while (b.size() > pos) { b.remove(b.size() - 1); } }
                default -> { if (!b.isEmpty()) { b.add(pos, b.get(pos)); } }
            }
        }
        byte[] out = new byte[b.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.get(i);
        }
        return out;
    }

    private static List<Tuple.Tuple3<byte[], CdrFormat, String>> corpus() {
        List<Tuple.Tuple3<byte[], CdrFormat, String>> lines = new ArrayList<>();
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            CdrFiles.split(f.bytes(), f.format(), p -> lines.add(Tuple.of(p.bytes(), f.format(), f.source())));
        }
        return lines;
    }
}
