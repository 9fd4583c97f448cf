package io.cdrpipeline.topology;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.CdrParser;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.retention.ExpiryIndex;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.BillingRecord;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;

/**
 * The ingest topology: {@code cdr.raw} → parse and normalise → rejected records to
 * {@code cdr.rejected}; good ones keyed by record id → deduplicated within the window → the
 * billing view to {@code cdr.billing} and, through the pseudonymiser only, the analytics view to
 * {@code cdr.analytics}. A pure function of configuration and keys: no I/O while building.
 * Every processor, branch and store is named so internal topic names survive releases.
 */
public final class IngestTopology {

    private IngestTopology() {
    }

    public static Topology build(PipelineConfig config, KeyRing keys, IngestMetrics metrics) {
        return build(config, keys, RetentionPolicy.defaults(), metrics, new RetentionMetrics());
    }

    public static Topology build(PipelineConfig config, KeyRing keys, RetentionPolicy policy, IngestMetrics metrics,
            RetentionMetrics retentionMetrics) {
        return build(config, keys, policy, metrics, retentionMetrics, NumberCaches.of(config));
    }

    public static Topology build(PipelineConfig config, KeyRing keys, RetentionPolicy policy, IngestMetrics metrics,
            RetentionMetrics retentionMetrics, NumberCaches caches) {
        Topics topics = Topics.from(config);
        NumberNormalizer numbers = caches.numbers();
        NumberFacts facts = caches.facts();
        int maxPayload = config.intValue("ingest.max.payload.bytes", 1024, 16 * 1024 * 1024);
        Supplier<CdrParser> parsers = () -> new CdrParser(config.sources(), new Normalizer(numbers), maxPayload);
        Supplier<Pseudonymizer> pseudonymizers = () -> new Pseudonymizer(keys, facts);

        StreamsBuilder builder = new StreamsBuilder();
        RetentionTopology.addStores(builder, policy, topics);
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
                            KStream<String, BillingRecord> unique = dedupe(accepted, config, policy, metrics);
                            splitByPurpose(unique, topics, pseudonymizers, metrics);
                            RetentionTopology.sweepInto(unique, topics, policy, pseudonymizers, retentionMetrics);
                        },
                        "accepted"));
        return builder.build();
    }

    private static KStream<String, BillingRecord> dedupe(KStream<byte[], ParsedRaw> accepted, PipelineConfig config,
            RetentionPolicy policy, IngestMetrics metrics) {
        KStream<String, BillingRecord> byRecordId = accepted.map(
                (key, parsed) -> {
                    BillingRecord billing = parsed.outcome().record().toBilling();
                    return KeyValue.pair(billing.getRecordId(), billing);
                },
                Named.as("key-by-record-id"));
        if (config.flag("dedupe.repartition")) {
            // Resends may arrive on any raw partition; co-locate all copies of a CDR with its store entry.
            byRecordId = byRecordId.repartition(Repartitioned.with(Serdes.String(), Topics.billingSerde())
                    .withName("by-record-id"));
        }
        return byRecordId.processValues(() -> new DedupeProcessor(policy, metrics), Named.as("dedupe"),
                ExpiryIndex.STORE);
    }

    private static void splitByPurpose(KStream<String, BillingRecord> unique, Topics topics,
            Supplier<Pseudonymizer> pseudonymizers, IngestMetrics metrics) {
        unique.to(topics.billing().name(), topics.billing().produced("cdr-billing-sink"));
        unique.process(() -> new PseudonymizeProcessor(pseudonymizers, metrics), Named.as("pseudonymize"))
                .to(topics.analytics().name(), topics.analytics().produced("cdr-analytics-sink"));
    }
}
