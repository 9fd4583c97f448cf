package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.demo.Demo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's first command, as a new user sees it: the demo balances its books, and the books it
 * prints are the ones the README shows (between its demo-output markers), line for line.
 */
class DemoOutputTest {

    private static final Path WORK = Path.of("target", "demo-" + System.nanoTime()).toAbsolutePath();

    @Test
    void theDemoPrintsTheBooksTheReadmeShows() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean balanced;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            balanced = new Demo(out, WORK, 5000, WORK.resolve("kpi.png")).run();
        }
        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(balanced).as(printed).isTrue();
        List<String> lines = printed.lines().toList();
        int from = lines.indexOf("Output (read back with isolation.level=read_committed)");
        int to = from;
        while (to < lines.size() && !lines.get(to).startsWith("  check:")) {
            to++;
        }
        assertThat(from).as(printed).isNotNegative();
        assertThat(lines.subList(from, to + 1)).containsExactlyElementsOf(readmeBlock());
        assertThat(printed).contains("The same calls in billing (PII) and in analytics (pseudonymous):")
                .doesNotContain("MISSING");
        // The KPI day of the synthetic traffic, as a table and as a PNG chart.
        assertThat(printed).contains("Quality per destination in cdr.kpi", "pbx-synth      ORIGINATING  +49 30",
                "chart: " + WORK.resolve("kpi.png"));
        byte[] png = Files.readAllBytes(WORK.resolve("kpi.png"));
        assertThat(java.util.Arrays.copyOf(png, 8)).as("a PNG").isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
    }

    private static List<String> readmeBlock() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- demo-output:begin -->\n```\n";
        int from = readme.indexOf(begin) + begin.length();
        int to = readme.indexOf("```\n<!-- demo-output:end -->");
        assertThat(from).isGreaterThan(begin.length());
        return readme.substring(from, to).lines().toList();
    }
}
