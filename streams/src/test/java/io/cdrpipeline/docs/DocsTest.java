package io.cdrpipeline.docs;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.AclPlan;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.Settings;
import io.cdrpipeline.describe.MermaidDiagram;
import io.cdrpipeline.describe.PrivacyMap;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.IngestMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyDescription;
import io.cdrpipeline.testing.GeneratedBlocks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The documentation says what the code does: each generated block of a page (between
 * {@code <!-- name:begin -->} and {@code <!-- name:end -->}) is what the code's own definitions
 * render — the topic, configuration and ACL tables, the topology diagram as {@code describe} draws
 * it, the shipped connector file; the README stays short; every relative link resolves. After a
 * deliberate change, {@code mvn test -pl streams -Dtest=DocsTest -Ddocs.update=true} rewrites the
 * blocks and fails (a run that wrote its own expectations proves nothing): read the diff, run again.
 */
class DocsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource({
        "docs/reference.md, topic-table",
        "docs/reference.md, config-table",
        "docs/operations.md, acl-table",
        "docs/development.md, describe-diagram",
        "docs/billing.md, billing-connector",
    })
    void theGeneratedBlockIsWhatTheCodeSays(String page, String name) throws IOException {
        Supplier<String> generated = switch (name) {
            case "topic-table" -> OwnedTopic::markdownTable;
            case "config-table" -> Settings::markdownTable;
            case "acl-table" -> () -> AclPlan.markdownTable(PipelineConfig.defaultsOnly());
            case "describe-diagram" -> () -> "```mermaid\n" + shippedDiagram() + "```\n";
            case "billing-connector" -> () -> "```properties\n"
                    + read("billing-sink/src/dist/config/billing-postgres.properties") + "```\n";
            default -> throw new IllegalArgumentException(name);
        };
        GeneratedBlocks.check(ROOT.resolve(page), name, generated.get());
    }

    @Test
    void theReadmeIsShortAndPointsEachReaderToTheirPage() throws IOException {
        List<String> readme = Files.readAllLines(ROOT.resolve("README.md"));
        assertThat(readme).as("README lines").hasSizeLessThan(250);
        String text = String.join("\n", readme);
        for (String page : List.of("docs/billing.md", "docs/analytics.md", "docs/operations.md", "docs/switches.md",
                "docs/privacy.md", "docs/reference.md", "docs/development.md", "docs/kubernetes.md")) {
            assertThat(text).as("README links " + page).contains("](" + page + ")");
        }
    }

    @Test
    void everyRelativeLinkResolvesToAFileAndHeading() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            Matcher m = LINK.matcher(Files.readString(page));
            while (m.find()) {
                String target = m.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                    continue;
                }
                checked++;
                int hash = target.indexOf('#');
                String path = hash < 0 ? target : target.substring(0, hash);
                Path resolved = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such file)");
                } else if (hash >= 0 && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(page) + ": " + target + " (no such heading)");
                }
            }
        }
        assertThat(checked).as("links checked").isGreaterThan(10);
        assertThat(broken).isEmpty();
    }

    /** GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.startsWith("#")) {
                String heading = line.replaceFirst("^#+\\s*", "").toLowerCase(Locale.ROOT);
                anchors.add(heading.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
            }
        }
        return anchors;
    }

    /** What {@code cdr-pipeline describe --mermaid-only} prints with the default settings and policy. */
    private static String shippedDiagram() {
        PipelineConfig config = PipelineConfig.defaultsOnly();
        RetentionPolicy policy = RetentionPolicy.defaults();
        TopologyDescription d = Pipelines.topology(config, KeyRing.random("docs", Instant.EPOCH), policy,
                new IngestMetrics(), new RetentionMetrics()).describe();
        return MermaidDiagram.render(d, new PrivacyMap(config, policy));
    }

    private static String read(String path) {
        try {
            return Files.readString(ROOT.resolve(path));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
