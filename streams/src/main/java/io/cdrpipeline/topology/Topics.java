package io.cdrpipeline.topology;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.KpiCell;
import io.cdrpipeline.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;

/** The topics the topology reads and writes, named by configuration, with their serdes (the catalogue: {@link OwnedTopic}). */
public record Topics(
        Topic<byte[], byte[]> raw,
        Topic<String, BillingRecord> billing,
        Topic<String, AnalyticsRecord> analytics,
        Topic<String, KpiCell> kpi,
        Topic<byte[], byte[]> rejected,
        Topic<String, AuditReceipt> audit,
        Topic<String, byte[]> erasureRequests,
        Topic<String, byte[]> legalHolds) {

    public static Topics from(PipelineConfig config) {
        return new Topics(
                new Topic<>(config.topic(OwnedTopic.RAW), Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(config.topic(OwnedTopic.BILLING), Serdes.String(), billingSerde()),
                new Topic<>(config.topic(OwnedTopic.ANALYTICS), Serdes.String(), analyticsSerde()),
                new Topic<>(config.topic(OwnedTopic.KPI), Serdes.String(), kpiSerde()),
                new Topic<>(config.topic(OwnedTopic.REJECTED), Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(config.topic(OwnedTopic.AUDIT), Serdes.String(), auditSerde()),
                // Mirrored as bytes: the stores' updater decodes and checks each record (an undecodable one is skipped).
                new Topic<>(config.topic(OwnedTopic.ERASURE_REQUESTS), Serdes.String(), Serdes.ByteArray()),
                new Topic<>(config.topic(OwnedTopic.LEGAL_HOLDS), Serdes.String(), Serdes.ByteArray()));
    }

    public static AvroSerde<BillingRecord> billingSerde() {
        return new AvroSerde<>(BillingRecord.class, BillingRecord.getClassSchema());
    }

    public static AvroSerde<AuditReceipt> auditSerde() {
        return new AvroSerde<>(AuditReceipt.class, AuditReceipt.getClassSchema());
    }

    public static AvroSerde<KpiCell> kpiSerde() {
        return new AvroSerde<>(KpiCell.class, KpiCell.getClassSchema());
    }

    public static AvroSerde<AnalyticsRecord> analyticsSerde() {
        return new AvroSerde<>(AnalyticsRecord.class, AnalyticsRecord.getClassSchema());
    }
}
