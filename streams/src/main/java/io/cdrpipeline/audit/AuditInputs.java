package io.cdrpipeline.audit;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.retention.KeepAlive;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** What the audit commands read: topics whole, committed records only, at one point in time. */
public final class AuditInputs {

    /** The audit topic's records per partition, and each partition's first offset. */
    public record Receipts(Map<Integer, List<AuditVerifier.Entry>> byPartition, Map<Integer, Long> logStart) {
    }

    private AuditInputs() {
    }

    public static Receipts receipts(PipelineConfig config) {
        Map<Integer, List<AuditVerifier.Entry>> out = new TreeMap<>();
        Map<Integer, Long> starts = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(config)) {
            String topic = config.topic(OwnedTopic.AUDIT);
            List<TopicPartition> parts = partitions(c, topic);
            c.beginningOffsets(parts).forEach((tp, o) -> starts.put(tp.partition(), o));
            parts.forEach(tp -> out.put(tp.partition(), new ArrayList<>()));
            c.assign(parts);
            c.seekToBeginning(parts);
            TopicReader.readToEnd(c, parts, r -> out.get(r.partition()).add(entry(r)));
        }
        return new Receipts(out, starts);
    }

    public static List<AuditVerifier.Entry> records(PipelineConfig config, String topic) {
        List<AuditVerifier.Entry> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(config)) {
            partitions(c, topic);   // names a topic that does not exist
            TopicReader.readWhole(c, topic, r -> out.add(entry(r)));
        }
        return out;
    }

    /** The keys of a compacted topic whose latest value is not a tombstone (keep-alives left out). */
    public static Map<String, Boolean> keys(PipelineConfig config, String topic) {
        Map<String, Boolean> live = new HashMap<>();
        for (AuditVerifier.Entry e : records(config, topic)) {
            if (e.key() == null) {
                continue;
            }
            String key = new String(e.key(), StandardCharsets.UTF_8);
            if (!KeepAlive.isKeepAlive(key)) {
                live.put(key, e.value() != null);
            }
        }
        return live;
    }

    private static AuditVerifier.Entry entry(ConsumerRecord<byte[], byte[]> r) {
        return new AuditVerifier.Entry(r.partition(), r.offset(), r.key(), r.value());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(PipelineConfig config) {
        return new KafkaConsumer<>(KafkaClients.consumer(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
        var infos = c.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist");
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).sorted(
                java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
    }
}
