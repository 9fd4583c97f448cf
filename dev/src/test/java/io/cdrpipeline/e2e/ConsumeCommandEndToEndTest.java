package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code consume} as people use it, on a real broker: whole topics, one partition from an offset, binary keys, CSV. */
class ConsumeCommandEndToEndTest {

    private static final Path WORK = Path.of("target", "consume-" + System.nanoTime()).toAbsolutePath();
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @Test
    void printsWholeTopicsPartitionsFromAnOffsetBinaryKeysAndCsv() throws Exception {
        Files.createDirectories(WORK);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Path policy = WORK.resolve("policy.yaml");
            // Kept for years and swept hourly: nothing is deleted or appended while the test reads.
            Files.writeString(policy, "version: 1\nsweep-interval: 1h\nmax-erasure-delay: 14d\n"
                    + "windows: {raw: 24h, rejected: 7d, billing: 3650d, analytics: 3650d, audit: 400d}\n");
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-consume");
            settings.put("state.dir", WORK.resolve("state").toString());
            settings.put("retention.policy.file", policy.toString());
            PipelineConfig config = PipelineConfig.of(settings);
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .collect(Collectors.joining()));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, io.cdrpipeline.topology.TopicSpecs.all(config, RetentionPolicy.load(policy)));
            }
            try (PipelineApp app = Pipelines.app(config, KeyRing.random("c", Instant.EPOCH), RetentionPolicy.load(policy))) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
                    Path p = WORK.resolve(f.path().replace('/', '_'));
                    Files.write(p, f.bytes());
                    assertThat(CdrPipelineCli.execute("produce", "--config", conf.toString(), "--format", f.format().id(),
                            "--source", f.source(), p.toString())).isZero();
                }
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> app.metrics().read() >= 33
                        && records(kafka, "cdr.billing") > 0);
                Awaitility.await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(30))
                        .until(() -> records(kafka, "cdr.billing") == app.metrics().billingWritten());
                long billing = records(kafka, "cdr.billing");

                // The whole topic, with an idle time far shorter than a consumer group's join.
                List<String> all = consume(conf, "--topic", "cdr.billing", "--from-beginning", "--max-idle", "1s");
                assertThat(all).hasSize((int) billing);
                assertThat(JSON.readTree(all.get(0)).get("value").get("recordId").asText()).isNotEmpty();

                // One partition from an offset, a limit. A transactional topic's offsets have gaps (commit
                // markers take offsets), so the expected records are the first two at or after offset 1.
                List<Long> offsets = offsets(kafka, "cdr.billing", 0).stream().filter(o -> o >= 1).limit(2).toList();
                assertThat(offsets).hasSize(2);
                List<String> some = consume(conf, "--topic", "cdr.billing", "--partition", "0", "--offset", "1",
                        "--limit", "2", "--max-idle", "2s");
                assertThat(some).hasSize(2);
                assertThat(some).extracting(l -> JSON.readTree(l).get("partition").asInt() + "@" + JSON.readTree(l).get("offset")
                        .asLong()).containsExactly("0@" + offsets.get(0), "0@" + offsets.get(1));

                // The rejected topic: binary identity keys as base64, the original line as text.
                List<String> rejected = consume(conf, "--topic", "cdr.rejected", "--from-beginning", "--max-idle", "1s");
                assertThat(rejected).hasSize((int) records(kafka, "cdr.rejected")).isNotEmpty();
                assertThat(rejected).anySatisfy(l -> assertThat(JSON.readTree(l).get("keyEncoding").asText()).isEqualTo("base64"));
                assertThat(rejected).allSatisfy(l -> assertThat(JSON.readTree(l).get("headers").get("cdr.error.class"))
                        .isNotNull());

                // CSV for a spreadsheet: a header, one row per record, one column per field.
                List<String> csv = consume(conf, "--topic", "cdr.billing", "--from-beginning", "--max-idle", "1s",
                        "--format", "csv");
                assertThat(csv).hasSize((int) billing + 1);
                assertThat(csv.get(0)).startsWith("topic,partition,offset,timestamp,key,tombstone,value.recordId,value.source")
                        .contains("value.calling.number", "value.billableSeconds");

                // Issue 22, finding 8: keep-alives (one per sweep; here every 200 ms) are not the topic's records:
                // hidden, and they never reset the idle clock — consume ends after --max-idle.
                java.util.concurrent.ScheduledExecutorService sweeps = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
                try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> p = new org.apache.kafka.clients.producer.KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers()), new org.apache.kafka.common.serialization.StringSerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                    sweeps.scheduleAtFixedRate(() -> p.send(new org.apache.kafka.clients.producer.ProducerRecord<>("cdr.billing",
                            io.cdrpipeline.retention.KeepAlive.key(0, 1), null)), 0, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
                    // (It used to run for ever here: a hang fails the test instead of stalling the build.)
                    List<String> quiet = java.util.concurrent.CompletableFuture.supplyAsync(() -> consume(conf, "--topic",
                            "cdr.billing", "--max-idle", "2s")).get(60, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(quiet).as("nothing but keep-alives arrived").isEmpty();
                    List<String> shown = java.util.concurrent.CompletableFuture.supplyAsync(() -> consume(conf, "--topic",
                            "cdr.billing", "--max-idle", "1s", "--limit", "1", "--show-keep-alives"))
                            .get(60, java.util.concurrent.TimeUnit.SECONDS);
                    // Shown when asked for, but never counted: --limit 1 is not reached, --max-idle ends it.
                    assertThat(shown).isNotEmpty().allSatisfy(l -> assertThat(JSON.readTree(l).get("key").asText())
                            .startsWith("cdr-pipeline#keep-alive#"));
                } finally {
                    sweeps.shutdownNow();
                }
            }
        }
    }

    private static List<String> consume(Path conf, String... args) {
        PrintStream stdout = System.out;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        String[] all = new String[args.length + 3];
        all[0] = "consume";
        all[1] = "--config";
        all[2] = conf.toString();
        System.arraycopy(args, 0, all, 3, args.length);
        try {
            System.setOut(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            assertThat(CdrPipelineCli.execute(all)).isZero();
        } finally {
            System.setOut(stdout);
        }
        return buffer.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The offsets of one partition's records (read_committed). */
    private static List<Long> offsets(EmbeddedKafka kafka, String topic, int partition) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<Long> out = new java.util.ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            io.cdrpipeline.config.TopicReader.readWhole(consumer, topic, r -> {
                if (r.partition() == partition) {
                    out.add(r.offset());
                }
            });
        }
        java.util.Collections.sort(out);
        return out;
    }

    /** Every record of a topic (read_committed). */
    private static long records(EmbeddedKafka kafka, String topic) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long[] n = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            io.cdrpipeline.config.TopicReader.readWhole(consumer, topic, r -> n[0]++);
        }
        return n[0];
    }
}
