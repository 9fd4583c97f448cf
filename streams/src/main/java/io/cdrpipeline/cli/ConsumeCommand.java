package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.OwnedTopic;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cdrpipeline.config.Durations;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.serde.AvroJson;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Prints a topic as JSON lines, decoding Avro records by fingerprint; tombstones print with a null value. */
@Command(name = "consume", mixinStandardHelpOptions = true,
        description = "Print a topic's records as JSON lines (Avro decoded, tombstones as null), read_committed.")
final class ConsumeCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, paramLabel = "TOPIC")
    String topic;

    @Option(names = "--from-beginning", description = "Start at the earliest offset (default: only new records).")
    boolean fromBeginning;

    @Option(names = "--max-idle", paramLabel = "DURATION", description = "Stop after this long without a record (e.g. 5s); default: run until Ctrl-C.")
    String maxIdle;

    @Option(names = "--max-records", paramLabel = "N", description = "Stop after N records.")
    long maxRecords = Long.MAX_VALUE;

    @Override
    public Integer call() throws Exception {
        Duration idle = maxIdle == null ? null : Durations.parse(maxIdle, "--max-idle");
        PipelineConfig config = kafka.load();
        Map<String, Object> props = io.cdrpipeline.app.KafkaClients.consumer(config);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, fromBeginning ? "earliest" : "latest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "cdr-pipeline-consume-" + ProcessHandle.current().pid());
        var billing = Topics.billingSerde();
        var analytics = Topics.analyticsSerde();
        long printed = 0;
        long lastRecord = System.currentTimeMillis();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            if (consumer.partitionsFor(topic, Duration.ofSeconds(30)).isEmpty()) {
                throw new IllegalArgumentException("topic " + topic + " does not exist");
            }
            consumer.subscribe(List.of(topic));
            while (printed < maxRecords) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty() && idle != null && System.currentTimeMillis() - lastRecord >= idle.toMillis()) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    lastRecord = System.currentTimeMillis();
                    System.out.println(JSON.writeValueAsString(render(r, config, billing, analytics)));
                    if (++printed >= maxRecords) {
                        break;
                    }
                }
            }
        }
        System.err.printf("%,d records%n", printed);
        return 0;
    }

    private static ObjectNode render(ConsumerRecord<byte[], byte[]> r, PipelineConfig config,
            io.cdrpipeline.serde.AvroSerde<?> billing, io.cdrpipeline.serde.AvroSerde<?> analytics) {
        ObjectNode o = JSON.createObjectNode();
        o.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset()).put("timestamp", r.timestamp());
        o.put("key", r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8));
        ObjectNode headers = o.putObject("headers");
        for (Header h : r.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        byte[] v = r.value();
        if (v == null) {
            o.putNull("value");
            o.put("tombstone", true);
            if (io.cdrpipeline.retention.KeepAlive.isKeepAlive(r.key())) {
                o.put("keepAlive", true);   // appended by a sweep so quiet partitions roll; no row to delete
            }
        } else if (r.topic().equals(config.topic(OwnedTopic.BILLING))) {
            o.set("value", AvroJson.toJson(billing.decode(v)));
        } else if (r.topic().equals(config.topic(OwnedTopic.ANALYTICS))) {
            o.set("value", AvroJson.toJson(analytics.decode(v)));
        } else {
            o.put("value", new String(v, StandardCharsets.UTF_8));
        }
        return o;
    }
}
