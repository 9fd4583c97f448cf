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
 * Issue 22, finding 7: the README's example dialling plans read the bundled samples of those
 * switches exactly as the demo's plans do — party for party, type and value (the README's
 * pbx-berlin plan once read {@code 0049891234567} as {@code +4949891234567}).
 */
class ReadmePlansTest {

    @Test
    void shouldReadTheBundledSamplesUnderTheReadmePlansAsTheDemoDoes() throws Exception {
        Map<String, String> readme = readmeExamples();
        assertThat(readme).containsKey("source.pbx-berlin.access.codes");
        CdrParser demo = parser(SampleCorpus.sourceSettings());
        CdrParser documented = parser(readme);
        int compared = 0;
        List<String> differences = new ArrayList<>();
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            if (!readme.containsKey("source." + f.source() + ".region")) {
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
        assertThat(compared).as("README examples cover bundled sources").isGreaterThan(5);
        assertThat(differences).isEmpty();
    }

    private static void compare(ClearNumber demo, ClearNumber documented, String source, List<String> differences) {
        if (demo.type() != documented.type() || !java.util.Objects.equals(demo.value(), documented.value())) {
            differences.add(source + ": " + demo.raw() + " is " + demo.type() + " " + demo.value() + " under the demo's plan, "
                    + documented.type() + " " + documented.value() + " under the README's");
        }
    }

    /** The {@code source.*} lines of the README's "Examples per switch" block. */
    private static Map<String, String> readmeExamples() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("Examples per switch:");
        int open = readme.indexOf("```properties", start);
        int close = readme.indexOf("```", open + 3);
        Properties p = new Properties();
        p.load(new StringReader(readme.substring(open + "```properties".length(), close)));
        Map<String, String> m = new HashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k)));
        return m;
    }

    private static CdrParser parser(Map<String, String> settings) {
        return new CdrParser(PipelineConfig.of(settings).sources(), new Normalizer(new NumberNormalizer(1000)), 262_144);
    }
}
