package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * The crash loop an operator fears: `run` (its own JVM) is killed with SIGKILL five times while
 * 50,000 CDRs stream in, restarted on the same state directory each time, then stopped with
 * SIGTERM. Read as a billing system reads it (read_committed), billing and analytics hold every CDR
 * exactly once; no restart wiped its stores (they are transactional: a crash leaves them as of
 * their last commit); SIGTERM ends the process within close.timeout.
 */
class CrashLoopTest {

    private static final int CDRS = 50_000;
    private static final int KILLS = 5;
    private static final Path WORK = Path.of("target", "crashloop-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldLoseAndDoubleNothingAcrossFiveKillsWithoutWipingTheStores() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n", "p");
            PipelineConfig config = config(kafka);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            KeyRing keys = KeyRing.random("c", Instant.EPOCH);
            Path conf = configFile(config);
            AtomicInteger sent = new AtomicInteger();
            Thread feeder = new Thread(() -> {
                TrafficGenerator gen = new TrafficGenerator(17, 5_000, 1.1, 0, 0);
                try (RawProducer producer = new RawProducer(config)) {
                    while (sent.get() < CDRS) {
                        for (int i = 0; i < 250 && sent.get() < CDRS; i++) {
                            producer.send(gen.next(), CdrFormat.ASTERISK_CSV, "pbx-synth-" + (sent.get() % 8), null, 0);
                            sent.incrementAndGet();
                        }
                        producer.flush();
                        Thread.sleep(100);               // ~2,500 CDRs/s: the load lasts through the kills
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "feeder");
            feeder.start();
            List<Long> restartMillis = new ArrayList<>();
            for (int kill = 0; kill <= KILLS; kill++) {
                long before = committed(kafka, "cdr.billing");
                long t0 = System.nanoTime();
                Process run = start(conf, keys, kill);
                if (kill == KILLS) {
                    break;
                }
                // Kill only once this process has committed work of its own: mid-stream, mid-transaction.
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> committed(kafka, "cdr.billing") > before + 1500 || !run.isAlive());
                assertThat(run.isAlive()).as("run %d is still up (log: %s)", kill, WORK.resolve("run-" + kill + ".log")).isTrue();
                restartMillis.add((System.nanoTime() - t0) / 1_000_000);
                run.destroyForcibly().waitFor();
            }
            feeder.join();
            assertThat(sent.get()).isEqualTo(CDRS);
            List<String> billing = readKeys(kafka, "cdr.billing", CDRS);
            assertThat(billing).as("every CDR exactly once in billing").hasSize(CDRS).doesNotHaveDuplicates();
            assertThat(readKeys(kafka, "cdr.analytics", CDRS)).as("every CDR exactly once in analytics")
                    .hasSize(CDRS).doesNotHaveDuplicates();
            // SIGTERM: the last process ends within close.timeout (10 s) plus the JVM's own exit.
            Process finalRun = lastStarted;
            long t0 = System.nanoTime();
            finalRun.destroy();
            assertThat(finalRun.waitFor(25, java.util.concurrent.TimeUnit.SECONDS)).as("exit after SIGTERM").isTrue();
            long stopMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(stopMillis).as("SIGTERM to exit (ms)").isLessThan(15_000);
            for (int i = 0; i <= KILLS; i++) {
                String log = Files.readString(WORK.resolve("run-" + i + ".log"));
                assertThat(log).as("run %d wiped no store", i).doesNotContain("wipe out the local state");
            }
            // Issue 23, finding 2: SIGTERM five seconds after the broker died. close.timeout (10 s) is a
            // ceiling for the whole process (it used to take 12.95 s): its clients, Streams and the JVM's exit.
            Process orphan = start(conf, keys, KILLS + 1);
            Path log = WORK.resolve("run-" + (KILLS + 1) + ".log");
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.readString(log).contains("-> RUNNING") || !orphan.isAlive());
            assertThat(orphan.isAlive()).as("run %d is up (log: %s)", KILLS + 1, log).isTrue();
            // Traffic up to the broker's death: the pipeline has work in flight, a transaction open.
            try (RawProducer late = new RawProducer(config)) {
                TrafficGenerator gen = new TrafficGenerator(23, 500, 1.1, 0, 0);
                for (int i = 0; i < 2_000; i++) {
                    late.send(gen.next(), CdrFormat.ASTERISK_CSV, "pbx-synth-" + (i % 8), null, 0);
                }
                late.flush();
            }
            kafka.close();
            Thread.sleep(5_000);                         // the broker has been gone five seconds: a fixed scenario, not a wait
            long t1 = System.nanoTime();
            orphan.destroy();
            assertThat(orphan.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("exit after SIGTERM").isTrue();
            long deadStopMillis = (System.nanoTime() - t1) / 1_000_000;
            assertThat(deadStopMillis).as("SIGTERM to exit with the broker dead (ms); close.timeout 10 s").isLessThan(10_000);
            System.out.printf("crash loop: time to committed progress after each start (ms): %s; SIGTERM to exit: %d ms; "
                    + "with the broker dead: %d ms%n", restartMillis, stopMillis, deadStopMillis);
        }
    }

    private static Process lastStarted;

    private static Process start(Path conf, KeyRing keys, int n) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.cdrpipeline.cli.CdrPipelineCli",
                "run", "--config", conf.toString());
        pb.environment().put("CDR_PSEUDONYM_KEYS", keys.toFileText());
        pb.redirectErrorStream(true).redirectOutput(WORK.resolve("run-" + n + ".log").toFile());
        lastStarted = pb.start();
        return lastStarted;
    }

    private static PipelineConfig config(EmbeddedKafka kafka) {
        Map<String, String> s = new HashMap<>();
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("application.id", "cdr-crashloop");
        s.put("state.dir", WORK.resolve("state").toString());
        s.put("close.timeout", "10s");
        // Static membership: a restarted instance takes its partitions back at once, without waiting
        // for the group to give up on the killed one (session.timeout.ms, 45 s).
        s.put("kafka.group.instance.id", "crashloop-1");
        for (int i = 0; i < 8; i++) {
            s.put("source.pbx-synth-" + i + ".region", "DE");
            s.put("source.pbx-synth-" + i + ".zone", "UTC");
        }
        return PipelineConfig.of(s);
    }

    private static Path configFile(PipelineConfig config) throws Exception {
        Files.createDirectories(WORK);
        StringBuilder props = new StringBuilder();
        config.effective().forEach((k, v) -> {
            if (!v.isEmpty()) {
                props.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n');
            }
        });
        props.append("pseudonym.key.mode=static\nops.port=-1\nretention.policy.file=").append(WORK.resolve("policy.yaml")).append('\n');
        Files.writeString(WORK.resolve("policy.yaml"), "version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n");
        Path conf = WORK.resolve("run.properties");
        Files.writeString(conf, props.toString());
        return conf;
    }

    /** Billing records committed so far (read_committed, keep-alives excluded). */
    private static long committed(EmbeddedKafka kafka, String topic) {
        Set<String> keys = new HashSet<>();
        read(kafka, topic, r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        return keys.size();
    }

    private static void read(EmbeddedKafka kafka, String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && !KeepAlive.isKeepAlive(r.key())) {
                        sink.accept(r);
                    }
                }
            }
        }
    }

    private static List<String> readKeys(EmbeddedKafka kafka, String topic, int expected) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> committed(kafka, topic) >= expected);
        List<String> keys = new ArrayList<>();
        read(kafka, topic, r -> keys.add(new String(r.key(), StandardCharsets.UTF_8)));
        return keys;
    }
}
