package io.cdrpipeline.config;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads assigned partitions up to the end offsets they have now: for state topics read whole at a point in time. */
public final class TopicReader {

    private TopicReader() {
    }

    /** Assigns every partition of {@code topic}, from the beginning, and reads to the current end. */
    public static <K, V> void readWhole(KafkaConsumer<K, V> consumer, String topic, Consumer<ConsumerRecord<K, V>> each) {
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        readToEnd(consumer, parts, each);
    }

    /** Reads the given, already positioned partitions up to their current end offsets. */
    public static <K, V> void readToEnd(KafkaConsumer<K, V> consumer, Collection<TopicPartition> parts,
            Consumer<ConsumerRecord<K, V>> each) {
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        while (parts.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            consumer.poll(Duration.ofMillis(200)).forEach(each);
        }
    }
}
