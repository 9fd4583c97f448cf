package io.cdrpipeline.topology;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.serde.AvroSerde;
import org.apache.kafka.common.serialization.Serdes;
import io.cdrpipeline.ingest.RawHeaders;

/** The topics the topology reads and writes, named by configuration, with their serdes (the catalogue: {@link OwnedTopic}). */
public record Topics(
        Topic<byte[], byte[]> raw,
        Topic<String, BillingRecord> billing,
        Topic<String, AnalyticsRecord> analytics,
        Topic<byte[], byte[]> rejected,
        Topic<String, AuditReceipt> audit,
        String erasureRequests,
        String legalHolds) {

    /** Header naming the CDR format of a raw record. */
    public static final String FORMAT_HEADER = RawHeaders.FORMAT;
    /** Header naming the switch a raw record came from. */
    public static final String SOURCE_HEADER = RawHeaders.SOURCE;

    public static Topics from(PipelineConfig config) {
        return new Topics(
                new Topic<>(config.topic(OwnedTopic.RAW), Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(config.topic(OwnedTopic.BILLING), Serdes.String(), billingSerde()),
                new Topic<>(config.topic(OwnedTopic.ANALYTICS), Serdes.String(), analyticsSerde()),
                new Topic<>(config.topic(OwnedTopic.REJECTED), Serdes.ByteArray(), Serdes.ByteArray()),
                new Topic<>(config.topic(OwnedTopic.AUDIT), Serdes.String(), auditSerde()),
                config.topic(OwnedTopic.ERASURE_REQUESTS),
                config.topic(OwnedTopic.LEGAL_HOLDS));
    }

    public static AvroSerde<BillingRecord> billingSerde() {
        return new AvroSerde<>(BillingRecord.class, BillingRecord.getClassSchema());
    }

    public static AvroSerde<AuditReceipt> auditSerde() {
        return new AvroSerde<>(AuditReceipt.class, AuditReceipt.getClassSchema());
    }

    public static AvroSerde<AnalyticsRecord> analyticsSerde() {
        return new AvroSerde<>(AnalyticsRecord.class, AnalyticsRecord.getClassSchema());
    }
}
