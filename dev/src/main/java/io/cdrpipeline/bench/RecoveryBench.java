package io.cdrpipeline.bench;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.TopicSpecs;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import io.cdrpipeline.retention.KeepAlive;

/**
 * Recovery after {@code kill -9} against the number of CDRs a task retains: loads N CDRs into one
 * partition, lets {@code run} (its own JVM) index them all, kills it with SIGKILL, starts it again
 * on the same state directory with one new CDR sent, and times how long until that CDR is billed
 * (read_committed) — with
 * the retention stores transactional ({@code state.transactional=true}, the default) and without
 * (Kafka Streams then wipes them under exactly-once and restores their changelogs). Static
 * membership ({@code group.instance.id}) takes the consumer group's session timeout out of the figure.
 */
final class RecoveryBench {

    private final Path work;

    RecoveryBench(Path work) {
        this.work = work;
    }

    String run(List<Integer> sizes) throws Exception {
        StringBuilder out = new StringBuilder("| retained CDRs in the task | stores | from restart to the first new CDR billed |\n|---|---|---|\n");
        for (int n : sizes) {
            for (boolean transactional : new boolean[] {false, true}) {
                long ms = once(n, transactional);
                out.append(String.format("| %,d | %s | %.1f s |%n", n, transactional ? "transactional" : "wiped and restored",
                        ms / 1000.0));
                System.err.printf("recovery: %,d CDRs, transactional=%s: %.1f s%n", n, transactional, ms / 1000.0);
            }
        }
        return out.toString();
    }

    private long once(int records, boolean transactional) throws Exception {
        Path dir = Files.createDirectories(work.resolve("recovery-" + records + "-" + transactional));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("broker"), 0, Map.of())) {
            int opsPort;
            try (ServerSocket s = new ServerSocket(0)) {
                opsPort = s.getLocalPort();
            }
            Map<String, String> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "recovery");
            settings.put("state.dir", dir.resolve("state").toString());
            settings.put("topic.partitions", "1");
            settings.put("state.transactional", Boolean.toString(transactional));
            settings.put("kafka.group.instance.id", "recovery-1");
            settings.put("source.pbx-synth.region", "DE");
            settings.put("source.pbx-synth.zone", "UTC");
            PipelineConfig config = PipelineConfig.of(settings);
            RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n", "p");
            TrafficGenerator gen = new TrafficGenerator(5, 50_000, 1.1, 0, 0);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
                try (RawProducer producer = new RawProducer(config)) {
                    for (int i = 0; i < records; i++) {
                        producer.send(gen.next(), CdrFormat.ASTERISK_CSV, "pbx-synth", null, 0);
                    }
                    producer.flush();
                }
                StringBuilder props = new StringBuilder();
                config.effective().forEach((k, v) -> props.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
                props.append("pseudonym.key.mode=static\nops.port=").append(opsPort).append("\nops.bind=127.0.0.1\n")
                        .append("retention.policy.file=").append(dir.resolve("policy.yaml")).append('\n');
                Files.writeString(dir.resolve("policy.yaml"), "version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n");
                Path conf = Files.writeString(dir.resolve("run.properties"), props.toString());
                KeyRing keys = KeyRing.random("r", Instant.EPOCH);
                Process first = start(conf, keys, dir.resolve("run-1.log"));
                awaitCommitted(admin, config.topic(OwnedTopic.RAW), records, first);
                first.destroyForcibly().waitFor();
                try (KafkaConsumer<byte[], byte[]> billing = new KafkaConsumer<>(Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                        new ByteArrayDeserializer(), new ByteArrayDeserializer());
                        RawProducer producer = new RawProducer(config)) {
                    List<TopicPartition> parts = billing.partitionsFor(config.topic(OwnedTopic.BILLING)).stream()
                            .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                    billing.assign(parts);
                    billing.seekToEnd(parts);
                    parts.forEach(billing::position);
                    long t0 = System.nanoTime();
                    Process second = start(conf, keys, dir.resolve("run-2.log"));
                    try {
                        // A new CDR, sent as the process starts: it is billed once the stores are back and processing resumed.
                        producer.send(gen.next(), CdrFormat.ASTERISK_CSV, "pbx-synth", null, 0);
                        producer.flush();
                        awaitBilled(billing, second);
                        return (System.nanoTime() - t0) / 1_000_000;
                    } finally {
                        second.destroyForcibly().waitFor();
                    }
                }
            }
        }
    }

    private static Process start(Path conf, KeyRing keys, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.cdrpipeline.cli.CdrPipelineCli",
                "run", "--config", conf.toString());
        pb.environment().put("CDR_PSEUDONYM_KEYS", keys.toFileText());
        pb.environment().put("CDR_LOG_LEVEL", "INFO");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** Until the application's committed offset on the raw topic is its end: every CDR indexed and committed. */
    private static void awaitCommitted(Admin admin, String raw, int records, Process run) throws Exception {
        TopicPartition tp = new TopicPartition(raw, 0);
        long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        while (true) {
            var committed = admin.listConsumerGroupOffsets("recovery").partitionsToOffsetAndMetadata().get().get(tp);
            if (committed != null && committed.offset() >= end) {
                return;
            }
            if (!run.isAlive()) {
                throw new IllegalStateException("run exited while indexing " + records + " CDRs");
            }
            Thread.sleep(500);
        }
    }

    private static void awaitBilled(KafkaConsumer<byte[], byte[]> billing, Process run) {
        while (run.isAlive()) {
            for (var r : billing.poll(Duration.ofMillis(100))) {
                if (r.value() != null && !KeepAlive.isKeepAlive(r.key())) {
                    return;
                }
            }
        }
        throw new IllegalStateException("run exited before it billed the new CDR");
    }
}
