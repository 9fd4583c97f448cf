package io.cdrpipeline.golden;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.normalize.ClearNumber;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.normalize.ParseOutcome;
import io.cdrpipeline.produce.CdrFiles;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Issue 22, finding 7: the example dialling plans of docs/switches.md read the bundled samples of those
 * switches exactly as the demo's plans do — party for party, type and value (the documented
 * pbx-berlin plan once read {@code 0049891234567} as {@code +4949891234567}).
 */
class DocumentedPlansTest {

    @Test
    void shouldReadTheBundledSamplesUnderTheDocumentedPlansAsTheDemoDoes() throws Exception {
        Map<String, String> documentedPlans = documentedExamples();
        assertThat(documentedPlans).containsKey("source.pbx-berlin.access.codes");
        CdrParser demo = parser(SampleCorpus.sourceSettings());
        CdrParser documented = parser(documentedPlans);
        int compared = 0;
        List<String> differences = new ArrayList<>();
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            if (!documentedPlans.containsKey("source." + f.source() + ".region")) {
                continue;
            }
            List<byte[]> pieces = new ArrayList<>();
            CdrFiles.split(f.bytes(), f.format(), piece -> pieces.add(piece.bytes()));
            for (byte[] piece : pieces) {
                ParseOutcome a = demo.parse(piece, f.format().id(), f.source());
                ParseOutcome b = documented.parse(piece, f.format().id(), f.source());
                assertThat(b.isRejected()).isEqualTo(a.isRejected());
                if (a.isRejected()) {
                    continue;
                }
                compared++;
                compare(a.record().calling(), b.record().calling(), f.source(), differences);
                compare(a.record().called(), b.record().called(), f.source(), differences);
            }
        }
        assertThat(compared).as("documented examples cover bundled sources").isGreaterThan(5);
        assertThat(differences).isEmpty();
    }

    private static void compare(ClearNumber demo, ClearNumber documented, String source, List<String> differences) {
        if (demo.type() != documented.type() || !java.util.Objects.equals(demo.value(), documented.value())) {
            differences.add(source + ": " + demo.raw() + " is " + demo.type() + " " + demo.value() + " under the demo's plan, "
                    + documented.type() + " " + documented.value() + " under docs/switches.md's");
        }
    }

    /** The {@code source.*} lines of the "Examples per switch" block of docs/switches.md. */
    private static Map<String, String> documentedExamples() throws Exception {
        String page = Files.readString(Path.of("..", "docs", "switches.md"));
        int start = page.indexOf("Examples per switch:");
        int open = page.indexOf("```properties", start);
        int close = page.indexOf("```", open + 3);
        Properties p = new Properties();
        p.load(new StringReader(page.substring(open + "```properties".length(), close)));
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    private static CdrParser parser(Map<String, String> settings) {
        return new CdrParser(PipelineConfig.of(settings).sources(), new Normalizer(new NumberNormalizer(1000)), 262_144);
    }
}
