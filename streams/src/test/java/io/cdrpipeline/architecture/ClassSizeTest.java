package io.cdrpipeline.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** No production class grows past 250 lines, in any module: past that a newcomer cannot see where to change it. */
class ClassSizeTest {

    private static final int MAX_LINES = 250;

    @Test
    void noSourceFileInSrcMainIsLongerThan250Lines() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> sources;
        try (Stream<Path> walk = Files.walk(root)) {
            sources = walk.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> root.relativize(p).toString().replace('\\', '/').matches("[^/]+/src/main/java/.*"))
                    .toList();
        }
        assertThat(sources).as("production sources found").hasSizeGreaterThan(100);
        for (Path p : sources) {
            long lines;
            try (Stream<String> l = Files.lines(p)) {
                lines = l.count();
            }
            assertThat(lines).as(root.relativize(p) + " lines").isLessThanOrEqualTo(MAX_LINES);
        }
    }
}
