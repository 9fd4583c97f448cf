package io.cdrpipeline.cli;

import io.cdrpipeline.app.ClusterChecks;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.config.Durations;
import org.apache.kafka.common.acl.AclOperation;
import io.cdrpipeline.config.PipelineConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.retention.KeepAlive;
import java.util.Comparator;

/**
 * Prints a topic as people read one: JSON lines (Avro decoded by fingerprint, tombstones as null)
 * or CSV for a spreadsheet, from the end, the beginning or an offset of one partition, up to a
 * limit, until the topic has been quiet for {@code --max-idle}. The partitions are assigned, not
 * subscribed (no group join, no commits), and the idle clock starts once they are: a full topic
 * never ends as "0 records" because joining took longer than the idle time.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print a topic's records as JSON lines (Avro decoded, tombstones as null) or CSV, read_committed; "
                + "the pipeline's keep-alives are left out. Without --max-idle or --limit it reads until Ctrl-C.")
final class ConsumeCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions kafka;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset (default: only new records).")
    boolean fromBeginning;

    @Option(names = "--partition", paramLabel = "P", description = "Only this partition (default: all).")
    Integer partition;

    @Option(names = "--offset", paramLabel = "OFFSET", description = "Start at this offset (needs --partition).")
    Long offset;

    @Option(names = "--max-idle", paramLabel = "DURATION",
            description = "Stop after this long without a record (e.g. 5s), counted from assignment; default: until Ctrl-C.")
    String maxIdle;

    @Option(names = {"--limit", "--max-records"}, paramLabel = "N", description = "Stop after N records.")
    long limit = Long.MAX_VALUE;

    @Option(names = "--format", paramLabel = "FORMAT", description = "jsonl (default) or csv (a header, one column per field).")
    RecordPrinter.Format format = RecordPrinter.Format.JSONL;

    @Option(names = "--show-keep-alives", description = "Print the pipeline's keep-alive tombstones too (reserved keys "
            + "cdr-pipeline#keep-alive#…); they never count as records for --max-idle or --limit.")
    boolean showKeepAlives;

    @Override
    public Integer call() throws Exception {
        Duration idle = maxIdle == null ? null : Durations.parse(maxIdle, "--max-idle");
        if (offset != null && partition == null) {
            throw new IllegalArgumentException("--offset needs --partition");
        }
        if (offset != null && offset < 0 || limit < 0) {
            throw new IllegalArgumentException("--offset and --limit must not be negative");
        }
        PipelineConfig config = kafka.load();
        ClusterChecks.require(config, readerOf(config, topic), ClusterChecks.needs(topic, AclOperation.READ));
        Map<String, Object> props = KafkaClients.consumer(config);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        RecordPrinter printer = new RecordPrinter(config, format, System.out);
        long printed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = partitions(consumer);
            consumer.assign(parts);
            if (offset != null) {
                consumer.seek(parts.get(0), offset);
            } else if (fromBeginning) {
                consumer.seekToBeginning(parts);
            } else {
                consumer.seekToEnd(parts);
            }
            parts.forEach(consumer::position);          // resolved now: the idle clock starts from here
            long lastRecord = System.currentTimeMillis();
            while (printed < limit) {
                var records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty() && idle != null && System.currentTimeMillis() - lastRecord >= idle.toMillis()) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    // A keep-alive is no record of the topic: each sweep writes one, and it would keep an idle topic busy.
                    if (KeepAlive.isKeepAlive(r.key())) {
                        if (showKeepAlives) {
                            printer.print(r);
                        }
                        continue;
                    }
                    lastRecord = System.currentTimeMillis();
                    printer.print(r);
                    if (++printed >= limit) {
                        break;
                    }
                }
            }
        }
        System.out.flush();
        System.err.printf("%,d records%n", printed);
        return 0;
    }

    /** The role the ACL table lets read {@code topic} (ops for anything else, such as internal topics). */
    private static Role readerOf(PipelineConfig config, String topic) {
        for (OwnedTopic t : OwnedTopic.values()) {
            if (config.topic(t).equals(topic) && !t.readers().isEmpty()) {
                return t.readers().stream().filter(r -> r != Role.PIPELINE).findFirst().orElse(Role.PIPELINE);
            }
        }
        return Role.OPS;
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException("topic " + topic + " does not exist");
        }
        if (partition != null) {
            if (infos.stream().noneMatch(p -> p.partition() == partition)) {
                throw new IllegalArgumentException("topic " + topic + " has no partition " + partition + " (it has "
                        + infos.size() + ")");
            }
            return List.of(new TopicPartition(topic, partition));
        }
        return infos.stream().map(p -> new TopicPartition(topic, p.partition())).sorted(
                Comparator.comparingInt(TopicPartition::partition)).toList();
    }
}
