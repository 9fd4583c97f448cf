package io.cdrpipeline.demo;

import io.cdrpipeline.ingest.CdrHeaders;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.KpiCell;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.retention.KeepAlive;

/**
 * What the pipeline committed to its output topics, read back as a billing consumer would
 * ({@code read_committed}): billing and analytics records by key, rejections by reason. A
 * tombstone is a deletion, counted apart, and removes its key; keep-alives are skipped.
 */
public final class OutputTally implements AutoCloseable {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final PipelineConfig config;
    private final Map<String, BillingRecord> billing = new LinkedHashMap<>();
    private final Map<String, AnalyticsRecord> analytics = new LinkedHashMap<>();
    private final List<KpiCell> kpi = new ArrayList<>();
    private final Map<String, Long> rejectedByReason = new TreeMap<>();
    private long billingRecords;
    private long analyticsRecords;
    private long rejected;
    private long billingDeletions;
    private long analyticsDeletions;

    public OutputTally(PipelineConfig config) {
        this.config = config;
        Map<String, Object> props = KafkaClients.consumer(config);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String t : List.of(config.topic(OwnedTopic.BILLING), config.topic(OwnedTopic.ANALYTICS), config.topic(OwnedTopic.REJECTED),
                config.topic(OwnedTopic.KPI))) {
            consumer.partitionsFor(t, Duration.ofSeconds(30)).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads until {@code done} holds or the timeout passes; returns whether it held. */
    public boolean readUntil(BooleanSupplier done, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        var billingSerde = Topics.billingSerde();
        var analyticsSerde = Topics.analyticsSerde();
        var kpiSerde = Topics.kpiSerde();
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                if (KeepAlive.isKeepAlive(key)) {
                    continue;   // a sweep's keep-alive: no CDR
                }
                if (r.topic().equals(config.topic(OwnedTopic.BILLING))) {
                    if (r.value() == null) {
                        billingDeletions++;          // a tombstone: retention or erasure deleted the record
                        billing.remove(key);
                    } else {
                        billingRecords++;
                        billing.put(key, billingSerde.decode(r.value()));
                    }
                } else if (r.topic().equals(config.topic(OwnedTopic.ANALYTICS))) {
                    if (r.value() == null) {
                        analyticsDeletions++;
                        analytics.remove(key);
                    } else {
                        analyticsRecords++;
                        analytics.put(key, analyticsSerde.decode(r.value()));
                    }
                } else if (r.topic().equals(config.topic(OwnedTopic.KPI))) {
                    kpi.add(kpiSerde.decode(r.value()));
                } else {
                    rejected++;
                    Header h = r.headers().lastHeader(CdrHeaders.ERROR_CLASS);
                    String reason = h == null ? "unlabelled" : new String(h.value(), StandardCharsets.UTF_8);
                    rejectedByReason.merge(reason, 1L, Long::sum);
                }
            }
        }
        return true;
    }

    public long billingRecords() {
        return billingRecords;
    }

    public long analyticsRecords() {
        return analyticsRecords;
    }

    /** Tombstones read on the billing topic (records deleted since they were written). */
    public long billingDeletions() {
        return billingDeletions;
    }

    /** Tombstones read on the analytics topic. */
    public long analyticsDeletions() {
        return analyticsDeletions;
    }

    public long rejected() {
        return rejected;
    }

    public Map<String, Long> rejectedByReason() {
        return rejectedByReason;
    }

    public Map<String, BillingRecord> billing() {
        return billing;
    }

    /** The KPI cells published so far (each window and cell once). */
    public List<KpiCell> kpi() {
        return kpi;
    }

    public Map<String, AnalyticsRecord> analytics() {
        return analytics;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
