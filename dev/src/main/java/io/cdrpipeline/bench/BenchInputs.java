package io.cdrpipeline.bench;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/** What the end-to-end bench loads into its raw topics: as our producers do, as foreign ones might. */
final class BenchInputs {

    private BenchInputs() {
    }

    /** Loads as our producers do: keyed by identity under the bench's source settings. */
    static void load(String bs, String topic, CdrFormat format, Supplier<byte[]> gen, int n) {
        PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", bs, "topic.raw", topic,
                "default.region", "DE", "default.zone", "UTC"));
        try (RawProducer p = new RawProducer(config)) {
            for (int i = 0; i < n; i++) {
                p.send(gen.get(), format, "bench-" + (i % 8), null, 0);
            }
            p.flush();
        }
    }

    /** Loads as a producer that is not ours might: keys that are not the identity key. */
    static void loadForeign(String bs, String topic, Supplier<byte[]> gen, int n) {
        try (RawProducer p = new RawProducer(bs, topic, Map.of())) {
            for (int i = 0; i < n; i++) {
                p.send(gen.get(), CdrFormat.ASTERISK_CSV, "bench-" + (i % 8), null, 0);
            }
            p.flush();
        }
    }

    static Supplier<byte[]> jsonDocs() {
        String doc = new String(SampleCorpus.files().stream().filter(f -> f.path().contains("a_7f4d")).findFirst()
                .orElseThrow().bytes(), StandardCharsets.UTF_8);
        TrafficGenerator numbers = new TrafficGenerator(7, 20_000, 1.1, 0, 0);
        long[] n = {0};
        return () -> {
            n[0]++;
            String line = new String(numbers.next(), StandardCharsets.UTF_8);
            String caller = line.split(",")[1].replace("\"", "");
            return doc.replace("7f4de4bc-6c6e-4b3c-8f0e-2d6e5a1b9c01", "7f4de4bc-6c6e-4b3c-8f0e-" + String.format("%012d", n[0]))
                    .replace("\"sip_from_user\": \"1001\"", "\"sip_from_user\": \"" + caller + "\"")
                    .getBytes(StandardCharsets.UTF_8);
        };
    }
}
