package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.topology.TopicSpecs;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    @Test
    void shouldDefaultToTheRetentionAnchors() {
        RetentionPolicy p = RetentionPolicy.defaults();
        assertThat(p.window(DataClass.RAW)).isEqualTo(Duration.ofHours(24));
        assertThat(p.window(DataClass.BILLING)).isEqualTo(Duration.ofDays(180));
        assertThat(p.window(DataClass.ANALYTICS)).isEqualTo(Duration.ofDays(90));
        assertThat(p.window(DataClass.REJECTED)).isEqualTo(Duration.ofDays(7));
        assertThat(p.sweepInterval()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void shouldApplyBillingOverridesBySourceAndJurisdiction() {
        RetentionPolicy p = RetentionPolicy.parse("""
                version: 3
                windows: {billing: P180D, analytics: 90d}
                billing-overrides:
                  jurisdictions: {FR: 365d}
                  sources: {pbx-paris: FR, pbx-lab: 7d}
                """, "t");
        assertThat(p.version()).isEqualTo(3);
        assertThat(p.billingWindow("pbx-paris")).isEqualTo(Duration.ofDays(365));
        assertThat(p.billingWindow("pbx-lab")).isEqualTo(Duration.ofDays(7));
        assertThat(p.billingWindow("pbx-berlin")).isEqualTo(Duration.ofDays(180));
        assertThat(p.longestBillingWindow()).isEqualTo(Duration.ofDays(365));
    }

    @Test
    void shouldNameTheBadKey() {
        assertThatThrownBy(() -> RetentionPolicy.parse("version: 1\nwindow: {billing: 90d}", "p.yaml"))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("p.yaml: unknown key 'window'");
        assertThatThrownBy(() -> RetentionPolicy.parse("version: 1\nwindows: {biling: 90d}", "p.yaml"))
                .hasMessageStartingWith("p.yaml: unknown key 'windows.biling'");
        assertThatThrownBy(() -> RetentionPolicy.parse("version: 1\nwindows: {billing: soon}", "p.yaml"))
                .hasMessageContaining("windows.billing: 'soon' is not a duration");
        assertThatThrownBy(() -> RetentionPolicy.parse("windows: {billing: 90d}", "p.yaml"))
                .hasMessage("p.yaml: version must be a positive whole number");
        assertThatThrownBy(() -> RetentionPolicy.parse("version: 1\nbilling-overrides: {sources: {pbx: DE}}", "p.yaml"))
                .hasMessageContaining("billing-overrides.sources.pbx");
        assertThatThrownBy(() -> RetentionPolicy.parse("version: 1\nsweep-interval: [1m", "p.yaml"))
                .hasMessageStartingWith("p.yaml: not valid YAML");
    }

    @Test
    void shouldPassTheGeneratedTopicConfigsAndFailADeliberatelyBadOne() {
        RetentionPolicy policy = RetentionPolicy.defaults();
        PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", "x:1"));
        for (NewTopic t : TopicSpecs.all(config, policy)) {
            // Receipts hold no personal data: kept for the audit window, then gone within the limit.
            DeletionBound.Kind kind = t.configs().get("cleanup.policy").equals("compact") ? DeletionBound.Kind.COMPACTED
                    : t.name().equals("cdr.audit") ? DeletionBound.Kind.RECEIPTS
                    : t.name().equals("cdr.kpi") ? DeletionBound.Kind.ANONYMOUS
                    : t.name().equals("cdr.audit-checkpoints") ? DeletionBound.Kind.CHECKPOINTS : DeletionBound.Kind.DELETE_BY_AGE;
            DeletionBound.Finding f = DeletionBound.of(t.name(), kind, t.configs(), Map.of(), policy);
            assertThat(f.ok()).as("%s: %s", t.name(), f.why()).isTrue();
        }
        Map<String, String> bad = new HashMap<>(TopicSpecs.compacted(policy));
        bad.remove("max.compaction.lag.ms");   // the broker default: never forced
        assertThat(DeletionBound.of("cdr.billing", DeletionBound.Kind.COMPACTED, bad, Map.of(), policy).ok()).isFalse();
        assertThat(DeletionBound.of("cdr.billing", DeletionBound.Kind.COMPACTED, Map.of("cleanup.policy", "delete"),
                Map.of(), policy).ok()).isFalse();
        // Receipts kept longer than the audit window, or never deleted by age, fail.
        assertThat(DeletionBound.of("cdr.audit", DeletionBound.Kind.RECEIPTS, Map.of("cleanup.policy", "delete",
                "retention.ms", Long.toString(policy.window(DataClass.AUDIT).toMillis() + 1)), Map.of(), policy).ok()).isFalse();
        assertThat(DeletionBound.of("cdr.audit", DeletionBound.Kind.RECEIPTS, Map.of("cleanup.policy", "compact"), Map.of(),
                policy).ok()).isFalse();
        // So do KPI cells kept past their own window.
        assertThat(DeletionBound.of("cdr.kpi", DeletionBound.Kind.ANONYMOUS, Map.of("cleanup.policy", "delete",
                "retention.ms", Long.toString(policy.window(DataClass.KPI).toMillis() + 1)), Map.of(), policy).ok()).isFalse();
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}={1} on a {2} topic exceeds the budget")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "segment.ms               | 2592000000 | COMPACTED",
        "max.compaction.lag.ms    | 2592000000 | COMPACTED",
        "min.compaction.lag.ms    | 2592000000 | COMPACTED",
        "delete.retention.ms      | 2592000000 | COMPACTED",
        "file.delete.delay.ms     | 2592000000 | COMPACTED",
        "cleanup.policy           | delete    | COMPACTED",
        "segment.ms               | 2592000000 | DELETE_BY_AGE",
        "retention.ms             | 2592000000 | DELETE_BY_AGE",
        "file.delete.delay.ms     | 2592000000 | DELETE_BY_AGE",
        "cleanup.policy           | compact   | DELETE_BY_AGE",
        "segment.ms               | 2592000000 | REPARTITION",
        "file.delete.delay.ms     | 2592000000 | REPARTITION",
    })
    void shouldFailEachSettingThatDelaysPhysicalDeletionBeyondTheBudget(String setting, String value, DeletionBound.Kind kind) {
        RetentionPolicy policy = RetentionPolicy.defaults();
        Map<String, String> good = new HashMap<>(kind == DeletionBound.Kind.COMPACTED ? TopicSpecs.compacted(policy)
                : TopicSpecs.all(PipelineConfig.of(Map.of("bootstrap.servers", "x:1")), policy).get(0).configs());
        if (kind == DeletionBound.Kind.REPARTITION) {
            good = new HashMap<>(Map.of("segment.ms", Long.toString(60_000), "file.delete.delay.ms", "60000"));
        }
        assertThat(DeletionBound.of("t", kind, good, Map.of(), policy).ok()).as("the generated configs pass").isTrue();
        Map<String, String> bad = new HashMap<>(good);
        bad.put(setting, value);
        DeletionBound.Finding f = DeletionBound.of("t", kind, bad, Map.of(), policy);
        assertThat(f.ok()).as("%s", f.why()).isFalse();
        assertThat(f.why()).contains(setting);
    }

    @org.junit.jupiter.api.Test
    void shouldNameWhatIsNotAMappingOrNotADuration() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetentionPolicy.parse("- a list\n", "p.yaml"))
                .hasMessageContaining("p.yaml: the policy must be a YAML mapping");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetentionPolicy.parse("version: 1\nwindows: 90d\n", "p.yaml"))
                .hasMessageContaining("p.yaml: windows must be a mapping");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> RetentionPolicy.parse(
                        "version: 1\nwindows: {billing: [90d]}\n", "p.yaml"))
                .hasMessageContaining("must be a duration such as 90d");
    }

    @org.junit.jupiter.api.Test
    void shouldMakeThePhysicalStepAFifthOfTheBudgetLeftAfterASweepAndAtLeastASecond() {
        assertThat(RetentionPolicy.parse("version: 1\nsweep-interval: 1s\nmax-erasure-delay: 12s\n", "t").purgeStep())
                .isEqualTo(Duration.ofMillis(2_200));
        assertThat(RetentionPolicy.parse("version: 1\nsweep-interval: 1s\nmax-erasure-delay: 3s\n", "t").purgeStep())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(RetentionPolicy.parse("version: 1\nsweep-interval: 1m\nmax-erasure-delay: 14d\n", "t").purgeStep())
                .isEqualTo(Duration.ofDays(14).minusMinutes(1).dividedBy(5));
    }

    @org.junit.jupiter.api.Test
    void shouldFailACompactedTopicWhenTheBrokerCleanerIsOff() {
        RetentionPolicy policy = RetentionPolicy.defaults();
        DeletionBound.Finding f = DeletionBound.of("cdr.billing", DeletionBound.Kind.COMPACTED, TopicSpecs.compacted(policy),
                Map.of("log.cleaner.enable", "false"), policy);
        assertThat(f.ok()).isFalse();
        assertThat(f.why()).contains("log.cleaner.enable");
    }
}
