package io.cdrpipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The alert rules as Prometheus reads them: {@code promtool check rules} (syntax, templates) and
 * {@code promtool test rules} (each alert fires on its condition, after its {@code for}, and the
 * quiet cases stay quiet); the chart's PrometheusRule carries the same file.
 */
class AlertRulesTest {

    static final Path DIR = Path.of("..", "deploy", "prometheus").toAbsolutePath().normalize();
    static final Path RULES = DIR.resolve("cdr-pipeline.rules.yaml");

    @Test
    void theRulesAreValidAndEachAlertFiresOnItsCondition() throws Exception {
        Promtool promtool = Promtool.require();
        Promtool.Result check = promtool.run(DIR, null, "check", "rules", RULES.getFileName().toString());
        assertThat(check.exit()).as(check.output()).isZero();
        assertThat(check.output()).contains("SUCCESS: 9 rules found");
        Promtool.Result test = promtool.run(DIR, null, "test", "rules", "cdr-pipeline.rules.test.yaml");
        assertThat(test.exit()).as(test.output()).isZero();
    }

    @Test
    void everyAlertHasASummaryAndARunbookAndIsUnitTested() throws Exception {
        String rules = Files.readString(RULES);
        String tests = Files.readString(DIR.resolve("cdr-pipeline.rules.test.yaml"));
        var alerts = java.util.regex.Pattern.compile("- alert: (\\w+)").matcher(rules).results().map(m -> m.group(1)).toList();
        assertThat(alerts).hasSize(9);
        for (String alert : alerts) {
            String body = rules.substring(rules.indexOf("- alert: " + alert));
            int next = body.indexOf("- alert: ", 1);
            body = next < 0 ? body : body.substring(0, next);
            assertThat(body).as(alert).contains("summary:", "runbook:", "docs/operations.md#alerts");
            assertThat(tests).as("a unit test of " + alert).contains("alertname: " + alert);
        }
    }

    @Test
    void theChartCarriesTheSameRules() throws Exception {
        Path chartCopy = Path.of("..", "deploy", "helm", "cdr-pipeline", "files", "cdr-pipeline.rules.yaml");
        assertThat(Files.readString(chartCopy)).as("deploy/helm/cdr-pipeline/files/cdr-pipeline.rules.yaml is a copy of "
                + "deploy/prometheus/cdr-pipeline.rules.yaml (Helm reads files inside the chart only): copy it again")
                .isEqualTo(Files.readString(RULES));
    }
}
