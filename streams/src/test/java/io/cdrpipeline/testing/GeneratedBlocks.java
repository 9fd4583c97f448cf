package io.cdrpipeline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A block of a documentation page between {@code <!-- name:begin -->} and {@code <!-- name:end -->}
 * that the code generates: it must equal what the code says now. With {@code -Ddocs.update=true} a
 * differing block is rewritten and the test fails all the same (a run that wrote its own expectation
 * proves nothing): read the diff, run again.
 */
public final class GeneratedBlocks {

    private GeneratedBlocks() {
    }

    public static void check(Path file, String name, String expected) throws IOException {
        String text = Files.readString(file);
        String begin = "<!-- " + name + ":begin -->\n";
        String end = "<!-- " + name + ":end -->";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        assertThat(from).as("%s: marker %s", file.getFileName(), begin.strip()).isNotNegative();
        assertThat(to).as("%s: marker %s", file.getFileName(), end).isGreaterThan(from);
        String block = text.substring(from + begin.length(), to);
        if (Boolean.getBoolean("docs.update") && !block.equals(expected)) {
            Files.writeString(file, text.substring(0, from + begin.length()) + expected + text.substring(to));
            fail(file + ": " + name + " rewritten: review it with git diff, then run again without -Ddocs.update");
        }
        assertThat(block).as("%s: %s", file.getFileName(), name).isEqualTo(expected);
    }
}
