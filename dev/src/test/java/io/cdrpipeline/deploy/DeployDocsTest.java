package io.cdrpipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.cdrpipeline.testing.GeneratedBlocks;
import org.junit.jupiter.api.Test;

/**
 * The operators' tables that come from deploy/: the alerts (docs/operations.md, from the rule
 * file), the dashboard's panels and the alert each maps to (docs/kubernetes.md, from the dashboard
 * JSON) and the chart's values (its README, from the {@code ## @param} lines of values.yaml). As
 * DocsTest: {@code -Ddocs.update=true} rewrites a block and fails.
 */
class DeployDocsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path RULES = ROOT.resolve("deploy/prometheus/cdr-pipeline.rules.yaml");
    private static final Path DASHBOARD = ROOT.resolve("deploy/grafana/cdr-pipeline.json");
    private static final Path VALUES = ROOT.resolve("deploy/helm/cdr-pipeline/values.yaml");

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource({
        "docs/operations.md, alert-table",
        "docs/kubernetes.md, dashboard-table",
        "deploy/helm/cdr-pipeline/README.md, values-table",
    })
    void theGeneratedBlockIsWhatDeploySays(String page, String name) throws IOException {
        Supplier<String> generated = switch (name) {
            case "alert-table" -> DeployDocsTest::alertTable;
            case "dashboard-table" -> DeployDocsTest::dashboardTable;
            case "values-table" -> DeployDocsTest::valuesTable;
            default -> throw new IllegalArgumentException(name);
        };
        GeneratedBlocks.check(ROOT.resolve(page), name, generated.get());
    }

    @Test
    void everyValueOfTheChartIsDocumented() throws IOException {
        JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(VALUES.toFile());
        List<String> leaves = new ArrayList<>();
        leaves(values, "", leaves);
        TreeSet<String> documented = new TreeSet<>(params().keySet());
        List<String> undocumented = leaves.stream().filter(l -> documented.stream()
                .noneMatch(d -> l.equals(d) || l.startsWith(d + "."))).toList();
        assertThat(undocumented).as("values without a ## @param line").isEmpty();
        List<String> unknown = documented.stream().filter(d -> leaves.stream()
                .noneMatch(l -> l.equals(d) || l.startsWith(d + "."))).toList();
        assertThat(unknown).as("## @param lines naming no value").isEmpty();
        Map<String, Integer> panelsPerAlert = new LinkedHashMap<>();
        for (String alert : alerts().keySet()) {
            panelsPerAlert.put(alert, (int) panels().stream().filter(p -> p.get(1).contains(alert)).count());
        }
        assertThat(panelsPerAlert).as("a dashboard panel names each alert").allSatisfy((a, n) -> assertThat(n).as(a).isPositive());
    }

    private static void leaves(JsonNode node, String path, List<String> out) {
        if (node.isObject() && node.size() > 0) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out);
            }
        } else {
            out.add(path);
        }
    }

    /** {@code ## @param path description} lines of values.yaml, in order. */
    private static Map<String, String> params() {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(?m)^\\s*## @param (\\S+) (.+)$").matcher(read(VALUES));
        while (m.find()) {
            out.put(m.group(1), m.group(2));
        }
        return out;
    }

    private static String valuesTable() {
        JsonNode values;
        try {
            values = new ObjectMapper(new YAMLFactory()).readTree(VALUES.toFile());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder out = new StringBuilder("| value | default | what |\n|---|---|---|\n");
        params().forEach((path, what) -> {
            JsonNode v = values;
            for (String part : path.split("\\.")) {
                v = v.path(part);
            }
            String shown = v.isTextual() ? (v.asText().contains("\n") ? "(see values.yaml)" : "`\"" + v.asText() + "\"`")
                    : v.isContainerNode() && v.size() > 0 ? "(see values.yaml)" : "`" + v + "`";
            out.append("| `").append(path).append("` | ").append(shown).append(" | ").append(what.replace("|", "\\|"))
                    .append(" |\n");
        });
        return out.toString();
    }

    /** Alert name → [severity, for, summary, runbook]. */
    private static Map<String, List<String>> alerts() {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try {
            JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(RULES.toFile());
            for (JsonNode group : rules.get("groups")) {
                for (JsonNode rule : group.get("rules")) {
                    out.put(rule.get("alert").asText(), List.of(rule.get("labels").get("severity").asText(),
                            rule.get("for").asText(), rule.get("annotations").get("summary").asText(),
                            rule.get("annotations").get("runbook").asText()));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static String alertTable() {
        StringBuilder out = new StringBuilder("| alert | severity | for | says | what to do |\n|---|---|---|---|---|\n");
        alerts().forEach((name, a) -> out.append("| `").append(name).append("` | ").append(a.get(0)).append(" | ")
                .append(a.get(1)).append(" | ").append(cell(a.get(2))).append(" | ")
                .append(cell(a.get(3).replace(" docs/operations.md#alerts", ""))).append(" |\n"));
        return out.toString();
    }

    /** [title, description] per panel. */
    private static List<List<String>> panels() {
        List<List<String>> out = new ArrayList<>();
        try {
            for (JsonNode p : new ObjectMapper().readTree(DASHBOARD.toFile()).get("panels")) {
                out.add(List.of(p.get("title").asText(), p.get("description").asText()));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static String dashboardTable() {
        Pattern alert = Pattern.compile("\\bCdr[A-Za-z]+\\b");
        StringBuilder out = new StringBuilder("| panel | shows | alert |\n|---|---|---|\n");
        for (List<String> p : panels()) {
            Matcher m = alert.matcher(p.get(1));
            List<String> names = new ArrayList<>();
            while (m.find()) {
                names.add("`" + m.group() + "`");
            }
            out.append("| ").append(cell(p.get(0))).append(" | ").append(cell(p.get(1))).append(" | ")
                    .append(names.isEmpty() ? "—" : String.join(", ", names)).append(" |\n");
        }
        return out.toString();
    }

    private static String cell(String s) {
        return s.replace("{{ $value | humanizeDuration }}", "…").replace("{{ $value | humanize }}", "…")
                .replace("{{ $value | humanizePercentage }}", "…").replace("{{ $value }}", "…")
                .replaceAll("\\{\\{ \\$labels\\.(\\w+) }}", "*$1*").replace("|", "\\|");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
