package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.IngestMetrics;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Two instances share the work; one is killed (SIGKILL, mid-transaction) while records flow; the
 * other takes over its partitions and state; billing, read as a billing system reads it, still
 * has every CDR exactly once. The victim runs as a separate JVM so that the kill is real.
 */
class FailoverTest {

    private static final int CDRS = 20_000;
    private static final Path WORK = Path.of("target", "failover-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldKeepEveryCdrExactlyOnceWhenAnInstanceIsKilledMidStream() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n", "p");
            PipelineConfig a = config(kafka, "a");
            PipelineConfig b = config(kafka, "b");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(a, policy));
            }
            KeyRing keys = KeyRing.random("f", Instant.EPOCH);
            int allTasks = 4 * Pipelines.topology(b, keys, policy, new IngestMetrics(), new RetentionMetrics())
                    .describe().subtopologies().size();   // 4 raw partitions per sub-topology
            Process first = startVictim(kafka, keys);
            try (PipelineApp second = Pipelines.app(b, keys, policy);
                    RawProducer producer = new RawProducer(kafka.bootstrapServers(), "cdr.raw", Map.of());
                    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                second.start();
                await().atMost(Duration.ofSeconds(120)).until(() -> members(admin) == 2 && tasks(second) > 0
                        && tasks(second) < allTasks && second.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);

                AtomicInteger sent = new AtomicInteger();
                AtomicBoolean stop = new AtomicBoolean();
                TrafficGenerator gen = new TrafficGenerator(11, 5_000, 1.1, 0, 0);
                Thread feeder = new Thread(() -> {
                    while (sent.get() < CDRS && !stop.get()) {
                        // Different source names spread the load over the raw partitions.
                        producer.send(gen.next(), CdrFormat.ASTERISK_CSV, "pbx-synth-" + (sent.get() % 8), null, 0);
                        if (sent.incrementAndGet() % 1000 == 0) {
                            producer.flush();
                        }
                    }
                    producer.flush();
                });
                feeder.start();
                await().atMost(Duration.ofSeconds(60)).until(() -> second.metrics().read() > 2000);
                // The victim must have done work that counts before it dies: more billing records are committed
                // than the survivor has even read, so some were committed by the victim's transactions.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                        .until(() -> committed(kafka, "cdr.billing") > second.metrics().read() + 500);
                first.destroyForcibly().waitFor();                 // SIGKILL while records flow
                feeder.join();
                await().atMost(Duration.ofSeconds(120)).until(() -> tasks(second) == allTasks);

                List<String> keysSeen = readKeys(kafka, "cdr.billing", CDRS);
                assertThat(keysSeen).as("every CDR exactly once in billing").hasSize(CDRS).doesNotHaveDuplicates();
                List<String> analyticsSeen = readKeys(kafka, "cdr.analytics", CDRS);
                assertThat(analyticsSeen).as("every CDR exactly once in analytics").hasSize(CDRS).doesNotHaveDuplicates();
                // The survivor's state after the takeover: one expiry-index entry per CDR, none lost, none doubled.
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(expiryEntries(second)).as("expiry-index entries").isEqualTo(CDRS));
            }
        }
    }

    /** Instance A in its own JVM: the jar's main class on this test's class path, keys through the environment. */
    private static Process startVictim(EmbeddedKafka kafka, KeyRing keys) throws Exception {
        Path conf = WORK.resolve("a.properties");
        StringBuilder props = new StringBuilder();
        config(kafka, "a").effective().forEach((k, v) -> {
            if (!v.isEmpty()) {
                props.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n');
            }
        });
        // Static keys through the environment: a test, so the mode says so.
        props.append("pseudonym.key.mode=static\n");
        props.append("ops.port=-1\nretention.policy.file=").append(WORK.resolve("policy.yaml")).append('\n');
        java.nio.file.Files.writeString(WORK.resolve("policy.yaml"), "version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n");
        java.nio.file.Files.writeString(conf, props.toString());
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.cdrpipeline.cli.CdrPipelineCli",
                "run", "--config", conf.toString());
        pb.environment().put("CDR_PSEUDONYM_KEYS", keys.toFileText());
        pb.redirectErrorStream(true).redirectOutput(WORK.resolve("victim.log").toFile());
        return pb.start();
    }

    private static int members(Admin admin) throws Exception {
        return admin.describeConsumerGroups(List.of("cdr-failover")).all().get().get("cdr-failover").members().size();
    }

    private static int tasks(PipelineApp app) {
        return app.streams().metadataForLocalThreads().stream().mapToInt(t -> t.activeTasks().size()).sum();
    }

    /** Records committed so far on a topic (read_committed end offsets; transaction markers make it an upper bound). */
    private static long committed(EmbeddedKafka kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long n = 0;
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        n++;
                    }
                }
            }
            return n;
        }
    }

    /** Entries of the expiry index over every task of the instance (keep-alive keys excluded). */
    private static long expiryEntries(PipelineApp app) {
        var store = app.streams().store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(
                io.cdrpipeline.retention.ExpiryIndex.STORE, org.apache.kafka.streams.state.QueryableStoreTypes
                        .<org.apache.kafka.common.utils.Bytes, byte[]>keyValueStore()));
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                if (it.next().key.get().length >= 16) {
                    n++;
                }
            }
        }
        return n;
    }

    private static List<String> readKeys(EmbeddedKafka kafka, String topic, int expected) {
        List<String> keys = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (!io.cdrpipeline.retention.KeepAlive.isKeepAlive(r.key())) {
                        keys.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                }
                return keys.size() >= expected;
            });
            // Everything committed so far, to the end: any duplicate would be here too.
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (!io.cdrpipeline.retention.KeepAlive.isKeepAlive(r.key())) {
                        keys.add(new String(r.key(), StandardCharsets.UTF_8));
                    }
                });
            }
        }
        return keys;
    }

    private static PipelineConfig config(EmbeddedKafka kafka, String instance) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("application.id", "cdr-failover");
        s.put("state.dir", WORK.resolve("state-" + instance).toString());
        for (int i = 0; i < 8; i++) {
            s.put("source.pbx-synth-" + i + ".region", "DE");
            s.put("source.pbx-synth-" + i + ".zone", "UTC");
        }
        return PipelineConfig.of(s);
    }
}
