package io.cdrpipeline.docs;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.AclPlan;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The README's generated tables are what the code says: the topic contracts (the catalogue), the
 * ACLs ({@code acls}) and the configuration reference (the settings' definitions). After a
 * deliberate change, {@code mvn test -Dtest=ReadmeTablesTest -Dreadme.update=true} rewrites them:
 * read the diff before committing it.
 */
class ReadmeTablesTest {

    private static final Path README = Path.of("..", "README.md");

    @ParameterizedTest
    @ValueSource(strings = {"topic-table", "acl-table", "config-table"})
    void theReadmeTableIsWhatTheCodeDefines(String name) throws IOException {
        Supplier<String> generated = switch (name) {
            case "topic-table" -> OwnedTopic::markdownTable;
            case "acl-table" -> () -> AclPlan.markdownTable(PipelineConfig.defaultsOnly());
            default -> Settings::markdownTable;
        };
        String readme = Files.readString(README);
        String begin = "<!-- " + name + ":begin -->\n";
        String end = "<!-- " + name + ":end -->";
        int from = readme.indexOf(begin);
        int to = readme.indexOf(end);
        assertThat(from).as("README marker " + begin.strip()).isNotNegative();
        assertThat(to).as("README marker " + end).isGreaterThan(from);
        String table = readme.substring(from + begin.length(), to);
        if (Boolean.getBoolean("readme.update") && !table.equals(generated.get())) {
            Files.writeString(README, readme.substring(0, from + begin.length()) + generated.get() + readme.substring(to));
            return;
        }
        assertThat(table).isEqualTo(generated.get());
    }
}
