package io.cdrpipeline.topology;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.catalogue.Declassifier;
import io.cdrpipeline.catalogue.InternalTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.state.PurgeableStoreRegistry;
import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.retention.Arrival;
import io.cdrpipeline.retention.DeletionLedger;
import io.cdrpipeline.retention.ExpiryIndex;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import java.time.Duration;
import org.apache.kafka.streams.state.Stores;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The ingest topology: {@code cdr.raw} → parse and normalise → rejected records to
 * {@code cdr.rejected}; good ones placed by identity (repartitioned unless a producer of ours
 * already placed them) and keyed by record id → deduplicated while retained → the
 * billing view to {@code cdr.billing} and, through the pseudonymiser only, the analytics view to
 * {@code cdr.analytics}. A pure function of configuration and keys: no I/O while building.
 * Every processor, branch and store is named so internal topic names survive releases.
 */
public final class IngestTopology {

    private IngestTopology() {
    }

    /** {@code local}: the registry of the application's purgeable stores (see {@link PurgeableStoreRegistry}). */
    public static Topology build(PipelineConfig config, KeyRing keys, RetentionPolicy policy, IngestMetrics metrics,
            RetentionMetrics retentionMetrics, NumberCaches caches, AuditKey auditKey, PurgeableStoreRegistry local) {
        Topics topics = Topics.from(config);
        NumberNormalizer numbers = caches.numbers();
        NumberFacts facts = caches.facts();
        int maxPayload = config.get(Settings.INGEST_MAX_PAYLOAD_BYTES);
        Supplier<CdrParser> parsers = () -> new CdrParser(config.sources(), new Normalizer(numbers), maxPayload);
        Supplier<Pseudonymizer> pseudonymizers = () -> new Pseudonymizer(keys, facts);

        StreamsBuilder builder = builder(config);
        RetentionTopology.addStores(builder, policy, topics, local, retentionMetrics);
        addKpiStores(builder, policy, local);
        builder.stream(topics.raw().name(), topics.raw().consumed("cdr-raw-source"))
                .processValues(() -> new ParseProcessor(parsers, metrics), Named.as("parse-and-normalize"))
                .split(Named.as("parsed-"))
                .branch((key, parsed) -> parsed.outcome().isRejected(), Branched.withConsumer(
                        rejected -> rejected
                                .processValues(RejectionProcessor::new, Named.as("rejection-headers"))
                                .to(topics.rejected().name(), topics.rejected().produced("cdr-rejected-sink")),
                        "rejected"))
                .defaultBranch(Branched.withConsumer(
                        accepted -> {
                            KStream<String, BillingRecord> unique = dedupe(accepted, policy, metrics, auditKey, topics, local);
                            KStream<String, Arrival> decided = unique.processValues(
                                    () -> new DecideProcessor(pseudonymizers, metrics), Named.as("decide"));
                            aggregate(splitByPurpose(decided, topics), config, policy, metrics, topics, local);
                            RetentionTopology.sweepInto(decided, topics, policy, retentionMetrics,
                                    InternalTopic.BY_IDENTITY.topicName(config.applicationId()),
                                    InternalTopic.KPI_BY_ROUTE.topicName(config.applicationId()), auditKey, local);
                        },
                        "accepted"));
        return builder.build();
    }

    /** The KPI aggregator's stores: purgeable (caller pseudonyms must leave the disk), changelogs compacted on the erasure budget. */
    private static void addKpiStores(StreamsBuilder builder, RetentionPolicy policy, PurgeableStoreRegistry local) {
        builder.addStateStore(Stores.keyValueStoreBuilder(local.supplier(KpiProcessor.CELLS_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(TopicSpecs.compacted(policy)));
        builder.addStateStore(Stores.keyValueStoreBuilder(local.supplier(KpiProcessor.ROLLUPS_STORE),
                Serdes.String(), Serdes.ByteArray()).withLoggingEnabled(TopicSpecs.compacted(policy)));
        builder.addStateStore(Stores.keyValueStoreBuilder(local.supplier(KpiProcessor.WINDOWS_STORE),
                Serdes.String(), Serdes.Long()).withLoggingEnabled(TopicSpecs.compacted(policy)));
    }

    /**
     * A builder whose topology refuses, when built, any store or internal topic left to an
     * automatic name (KIP-1111): such a name changes with the topology — a changelog lost, the
     * repartition topic the privacy map labels renamed.
     */
    public static StreamsBuilder builder(PipelineConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        // TopologyConfig reads topology-level settings only; StreamsConfig insists on a cluster to exist
        // (describe builds the topology with no cluster configured).
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        return new StreamsBuilder(new TopologyConfig(new StreamsConfig(p)));
    }

    /**
     * Every copy of a CDR must meet the same expiry-index store, whoever produced it. Records our
     * producers placed (key = identity key, on that key's partition) go straight on; the others
     * are re-keyed by identity through the {@code by-identity} repartition topic, whose partition
     * for a key is the one our producers would have chosen, and merged back into the same tasks.
     */
    private static KStream<String, BillingRecord> dedupe(KStream<byte[], ParsedRaw> accepted, RetentionPolicy policy,
            IngestMetrics metrics, AuditKey auditKey, Topics topics, PurgeableStoreRegistry local) {
        var placement = accepted.split(Named.as("placement-"))
                .branch((key, parsed) -> parsed.onIdentityPartition(), Branched.as("in-place"))
                .defaultBranch(Branched.as("rekeyed"));
        KStream<String, BillingRecord> inPlace = placement.get("placement-in-place").map(
                (key, parsed) -> KeyValue.pair(parsed.outcome().record().recordId(), parsed.outcome().record().toBilling()),
                Named.as("key-in-place-by-record-id"));
        KStream<String, BillingRecord> rekeyed = placement.get("placement-rekeyed")
                .map((key, parsed) -> KeyValue.pair(parsed.outcome().record().partitionKey(),
                        parsed.outcome().record().toBilling()), Named.as("key-by-identity"))
                .repartition(Repartitioned.with(Serdes.ByteArray(), Topics.billingSerde())
                        .withName(InternalTopic.BY_IDENTITY.repartitionName()))
                // The sweeps' keep-alives (null values) keep this topic's quiet partitions rolling; they carry no CDR.
                .filter((key, billing) -> billing != null, Named.as("drop-keep-alives"))
                .map((key, billing) -> KeyValue.pair(billing.getRecordId(), billing), Named.as("key-rekeyed-by-record-id"));
        return inPlace.merge(rekeyed, Named.as("in-place-and-rekeyed"))
                .processValues(() -> new DedupeProcessor(policy, metrics, auditKey, topics.billing().name(), local),
                        Named.as("dedupe"), ExpiryIndex.STORE, DeletionLedger.STORE);
    }

    /**
     * The purpose-bound split of one decision: its billing record to billing; its analytics record,
     * re-keyed by its pseudonymous id, to analytics — the PII boundary: nothing of the billing
     * record passes {@code analytics-view} but the analytics record made from it.
     */
    private static KStream<String, AnalyticsRecord> splitByPurpose(KStream<String, Arrival> decided, Topics topics) {
        decided.mapValues(Arrival::billing, Named.as("billing-view"))
                .to(topics.billing().name(), topics.billing().produced("cdr-billing-sink"));
        KStream<String, AnalyticsRecord> analysed = decided.filter((key, a) -> a.analytics() != null, Named.as("analysed"))
                .map((key, a) -> KeyValue.pair(a.pseudonyms().pseudoRecordId(), a.analytics()),
                        Named.as(Declassifier.ANALYTICS_VIEW.processorName()));
        analysed.to(topics.analytics().name(), topics.analytics().produced("cdr-analytics-sink"));
        return analysed;
    }

    /**
     * The anonymous branch: analytics records, re-keyed by source and leg role so that every cell of a
     * window meets in one task, into the KPI aggregator — the only door from pseudonymous to anonymous
     * data — whose cells (at least k distinct callers each) go to {@code cdr.kpi} when their window closes.
     * Its stores hold caller pseudonyms only while a window is open, in purgeable stores whose
     * changelogs are compacted on the erasure budget.
     */
    private static void aggregate(KStream<String, AnalyticsRecord> analysed, PipelineConfig config, RetentionPolicy policy,
            IngestMetrics metrics, Topics topics, PurgeableStoreRegistry local) {
        int k = config.get(Settings.KPI_K);
        Duration grace = config.get(Settings.KPI_GRACE);
        Duration linger = config.get(Settings.KPI_LINGER);
        Duration keepClosed = policy.window(DataClass.KPI);
        // Checked as often as the sweep runs, and at least as often as a window lingers.
        Duration tick = Collections.min(List.of(policy.sweepInterval(), linger.compareTo(Duration.ofSeconds(1)) < 0
                ? Duration.ofSeconds(1) : linger));
        analysed.selectKey((key, a) -> route(a.getSource(), a.getLegRole().name()), Named.as("key-by-route"))
                .repartition(Repartitioned.with(Serdes.String(), Topics.analyticsSerde())
                        .withName(InternalTopic.KPI_BY_ROUTE.repartitionName()))
                // The sweeps' keep-alives (null values) keep this topic's quiet partitions rolling; they carry no CDR.
                .filter((key, a) -> a != null, Named.as("drop-kpi-keep-alives"))
                .process(() -> new KpiProcessor(k, grace, linger, keepClosed, tick, metrics),
                        Named.as(Declassifier.KPI_AGGREGATE.processorName()),
                        KpiProcessor.CELLS_STORE, KpiProcessor.WINDOWS_STORE, KpiProcessor.ROLLUPS_STORE)
                .to(topics.kpi().name(), topics.kpi().produced("cdr-kpi-sink"));
    }

    /** The KPI repartition key: all cells of one source and leg role meet in one task. */
    static String route(String source, String legRole) {
        return source + "|" + legRole;
    }
}
