package io.cdrpipeline.topology;

import io.cdrpipeline.catalogue.Declassifier;
import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.retention.Arrival;
import io.cdrpipeline.retention.DeletionLedger;
import io.cdrpipeline.retention.ExpiryIndex;
import io.cdrpipeline.retention.GlobalStoreUpdater;
import io.cdrpipeline.retention.HeldIndex;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.SubjectIndex;
import io.cdrpipeline.retention.ControlMirrors;
import io.cdrpipeline.retention.RetentionEvent;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.retention.RetentionProcessor;
import io.cdrpipeline.retention.SweepState;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.state.ControlStore;
import io.cdrpipeline.state.PurgeableStoreRegistry;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The deletion side of the pipeline, in the same tasks as the writes it indexes: every unique
 * CDR, as decided on arrival, feeds the retention processor; what its sweeps emit is split into billing
 * tombstones, analytics tombstones and deletion receipts for {@code cdr.audit}. A tombstone is a
 * null value under the record's key: compaction then removes every earlier value of that key.
 */
final class RetentionTopology {

    private RetentionTopology() {
    }

    /**
     * The index, held and meta stores (changelogs compacted on the same erasure budget as billing),
     * the subject index (derived, no changelog), and the global stores of legal holds and erasure requests, read from their topics.
     */
    static void addStores(StreamsBuilder builder, RetentionPolicy policy, Topics topics, PurgeableStoreRegistry local,
            RetentionMetrics metrics) {
        // Purgeable: their keys and values name subjects, and what a sweep deletes must leave the disk too.
        builder.addStateStore(Stores.keyValueStoreBuilder(local.supplier(HeldIndex.STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingEnabled(TopicSpecs.compacted(policy)));
        // Derived from the expiry index (rebuilt when it does not match): no changelog, no write per CDR.
        builder.addStateStore(Stores.keyValueStoreBuilder(local.supplier(SubjectIndex.STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled());
        // Mirrors of the control topics, read on every record by every task: in memory (rebuilt from the
        // topic at every start), visible to the stream threads the moment the global thread applies a record.
        addMirror(builder, ControlMirrors.HOLDS_STORE, topics.legalHolds(), GlobalStoreUpdater.Kind.LEGAL_HOLDS, metrics);
        addMirror(builder, ControlMirrors.ERASURES_STORE, topics.erasureRequests(), GlobalStoreUpdater.Kind.ERASURE_REQUESTS,
                metrics);
        // What was deleted, so that a resend is not billed again: keyed hashes only (see DeletionLedger).
        builder.addStateStore(Stores.keyValueStoreBuilder(local.supplier(DeletionLedger.STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingEnabled(TopicSpecs.compacted(policy)));
        builder.addStateStore(Stores.keyValueStoreBuilder(local.supplier(ExpiryIndex.STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingEnabled(TopicSpecs.compacted(policy)));
        builder.addStateStore(Stores.keyValueStoreBuilder(local.supplier(SweepState.STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(TopicSpecs.compacted(policy)));
    }

    private static void addMirror(StreamsBuilder builder, String store, Topic<String, byte[]> topic,
            GlobalStoreUpdater.Kind kind, RetentionMetrics metrics) {
        builder.addGlobalStore(Stores.keyValueStoreBuilder(ControlStore.supplier(store), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled(),
                topic.name(), topic.consumed(store + "-source"),
                () -> new GlobalStoreUpdater(store, kind, metrics));
    }

    static void sweepInto(KStream<String, Arrival> decided, Topics topics, RetentionPolicy policy, RetentionMetrics metrics,
            String repartitionTopic, String kpiRepartitionTopic, AuditKey auditKey, PurgeableStoreRegistry local) {
        decided.process(() -> new RetentionProcessor(policy, metrics, topics.billing().name(), topics.analytics().name(),
                                auditKey, local),
                        Named.as("retention"), ExpiryIndex.STORE, SubjectIndex.STORE, HeldIndex.STORE,
                        DeletionLedger.STORE, SweepState.STORE)
                .split(Named.as("deletion-"))
                .branch((key, e) -> e.isKeepAlive(), Branched.withConsumer(s -> keepRolling(s, topics, repartitionTopic, kpiRepartitionTopic),
                        "keep-alive"))
                .branch((key, e) -> e.isTombstoneFor(DataClass.BILLING), Branched.withConsumer(s -> s
                        .mapValues(e -> (BillingRecord) null, Named.as("billing-tombstone"))
                        .to(topics.billing().name(), topics.billing().produced("cdr-billing-tombstone-sink")), "billing"))
                .branch((key, e) -> e.isTombstoneFor(DataClass.ANALYTICS), Branched.withConsumer(s -> s
                        .mapValues(e -> (AnalyticsRecord) null, Named.as(Declassifier.ANALYTICS_TOMBSTONE.processorName()))
                        .to(topics.analytics().name(), topics.analytics().produced("cdr-analytics-tombstone-sink")),
                        "analytics"))
                .branch((key, e) -> e.isReceipt(), Branched.withConsumer(s -> s
                        .mapValues(RetentionEvent::receipt, Named.as(Declassifier.RECEIPT.processorName()))
                        .to(topics.audit().name(), topics.audit().produced("cdr-audit-sink")), "receipt"));
    }

    /** A keep-alive tombstone to every partition of billing, analytics and the repartition topics ({@link KeepAlive}). */
    private static void keepRolling(KStream<String, RetentionEvent> s, Topics topics, String repartitionTopic,
            String kpiRepartitionTopic) {
        s.mapValues(e -> (BillingRecord) null, Named.as("billing-keep-alive"))
                .to(topics.billing().name(), topics.billing().produced("cdr-billing-keep-alive-sink")
                        .withStreamPartitioner(KeepAlive.stringPartitioner()));
        KStream<String, AnalyticsRecord> nothing = s.mapValues(e -> (AnalyticsRecord) null,
                Named.as(Declassifier.ANALYTICS_KEEP_ALIVE.processorName()));
        nothing.to(topics.analytics().name(), topics.analytics().produced("cdr-analytics-keep-alive-sink")
                .withStreamPartitioner(KeepAlive.stringPartitioner()));
        s.map((key, e) -> KeyValue.pair(key.getBytes(StandardCharsets.UTF_8), (BillingRecord) null),
                        Named.as("repartition-keep-alive"))
                .to(repartitionTopic, Produced.with(Serdes.ByteArray(), Topics.billingSerde())
                        .withName("by-identity-keep-alive-sink").withStreamPartitioner(KeepAlive.bytesPartitioner()));
        nothing.to(kpiRepartitionTopic, Produced.with(Serdes.String(), Topics.analyticsSerde())
                        .withName("kpi-by-route-keep-alive-sink").withStreamPartitioner(KeepAlive.stringPartitioner()));
    }
}
