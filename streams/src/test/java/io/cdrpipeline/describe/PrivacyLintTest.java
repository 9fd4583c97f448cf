package io.cdrpipeline.describe;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.IngestMetrics;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;

class PrivacyLintTest {

    private final PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", "x:1"));
    private final RetentionPolicy policy = RetentionPolicy.defaults();
    private final PrivacyMap map = new PrivacyMap(config, policy);

    @Test
    void shouldPassTheShippedTopology() {
        TopologyDescription d = Pipelines.topology(config, KeyRing.random("t", Instant.EPOCH), policy,
                new IngestMetrics(), new RetentionMetrics()).describe();
        assertThat(PrivacyLint.check(d, map)).isEmpty();
    }

    @Test
    void shouldFailATopologyThatRoutesBillingStraightToAnalytics() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream("cdr.billing", Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("billing-source"))
                .mapValues(v -> v, Named.as("copy"))
                .to("cdr.analytics", Produced.with(Serdes.String(), Serdes.ByteArray()).withName("analytics-sink"));

        assertThat(PrivacyLint.check(b.build().describe(), map)).containsExactly(
                "PII reaches pseudonymous topic cdr.analytics without the pseudonymizer: billing-source -> copy -> analytics-sink");
    }

    @Test
    void shouldFailAPathFromAnalyticsToTheKpiTopicThatSkipsTheAggregator() {
        StreamsBuilder b = new StreamsBuilder();
        b.stream("cdr.analytics", Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("analytics-source"))
                .mapValues(v -> v, Named.as("copy"))
                .to("cdr.kpi", Produced.with(Serdes.String(), Serdes.ByteArray()).withName("kpi-sink"));

        assertThat(PrivacyLint.check(b.build().describe(), map)).containsExactly(
                "pseudonymous data reaches anonymous topic cdr.kpi without the KPI aggregator: analytics-source -> copy -> kpi-sink");
    }

    @Test
    void shouldFailAReceiptPathThatSkipsTheReceiptBuilderAndATopicWithoutRetention() {
        StreamsBuilder b = new StreamsBuilder();
        var s = b.stream("cdr.raw", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("raw"));
        s.to("cdr.audit", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("audit-sink"));
        s.to("cdr.scratch", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("scratch-sink"));

        assertThat(PrivacyLint.check(b.build().describe(), map)).containsExactlyInAnyOrder(
                "PII reaches audit topic cdr.audit without the receipt builder: raw -> audit-sink",
                "topic cdr.scratch (written by scratch-sink) has no retention policy");
    }

    @Test
    void shouldDrawTheRepartitionTopicOnceWhetherASinkNamesItAsDescribedOrAsOnTheBroker() {
        TopologyDescription d = Pipelines.topology(config, KeyRing.random("t", Instant.EPOCH), policy,
                new IngestMetrics(), new RetentionMetrics()).describe();
        String mermaid = MermaidDiagram.render(d, map);
        assertThat(mermaid.lines().filter(l -> l.contains("by-identity-repartition<br/>"))).hasSize(1);
        assertThat(mermaid).doesNotContain("t_cdr_pipeline_by_identity_repartition")
                .contains("p_by_identity_keep_alive_sink --> t_by_identity_repartition");
    }

    @Test
    void shouldTrustOnlyDeclassifiersThatAreProcessorsOfTheShippedTopology() {
        TopologyDescription d = Pipelines.topology(config, KeyRing.random("t", Instant.EPOCH), policy,
                new IngestMetrics(), new RetentionMetrics()).describe();
        Set<String> processors = d.subtopologies().stream().flatMap(s -> s.nodes().stream())
                .map(TopologyDescription.Node::name).collect(Collectors.toSet());
        assertThat(processors).containsAll(PrivacyMap.DECLASSIFIERS.keySet());
    }

    @Test
    void shouldLabelEveryTopicAndStoreInTheDiagram() {
        TopologyDescription d = Pipelines.topology(config, KeyRing.random("t", Instant.EPOCH), policy,
                new IngestMetrics(), new RetentionMetrics()).describe();
        String mermaid = MermaidDiagram.render(d, map);
        assertThat(mermaid).startsWith("flowchart LR").doesNotContain("UNCLASSIFIED")
                .contains("cdr.analytics<br/>PSEUDONYMOUS · 90d", "cdr.billing<br/>PII · 180d", "store subject-index<br/>PSEUDONYMOUS")
                .contains(":::pii", ":::pseudonymous", ":::audit", ":::anonymous")
                .contains("cdr.kpi<br/>ANONYMOUS · 400d", "kpi-aggregate<br/>declassifier → ANONYMOUS\"]:::declassifier",
                        "analytics-view<br/>declassifier → PSEUDONYMOUS");
    }
}
