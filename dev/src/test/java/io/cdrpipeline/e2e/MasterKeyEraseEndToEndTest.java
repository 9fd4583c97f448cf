package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.app.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The production set-up keeps its keys on the key topic, wrapped under {@code $CDR_MASTER_KEY}:
 * {@code erase}, run as an operator would (its own JVM, the master key in its environment, no key
 * file), reads the epochs from the topic and files the subject's token, and the pipeline deletes
 * the subject's record.
 */
class MasterKeyEraseEndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-master-erase-" + System.nanoTime());

    @Test
    void shouldEraseWithKeysOnTheKeyTopic() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Files.createDirectories(WORK);
            Path policyFile = WORK.resolve("policy.yaml");
            Files.writeString(policyFile, "version: 1\nsweep-interval: 1s\nwindows: {billing: 3650d, analytics: 3650d}\n");
            Map<String, String> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-master-erase");
            settings.put("state.dir", WORK.resolve("state").toString());
            settings.put("retention.policy.file", policyFile.toString());
            settings.put("source.pbx.region", "GB");
            settings.put("source.pbx.zone", "UTC");
            PipelineConfig config = PipelineConfig.of(settings);
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .collect(Collectors.joining()));
            RetentionPolicy policy = RetentionPolicy.load(policyFile);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            byte[] master = new byte[32];
            new SecureRandom().nextBytes(master);
            String masterBase64 = Base64.getEncoder().encodeToString(master);
            KeyRing keys;
            try (KeyService service = new KeyService(config, KeyVault.fromEnvironment(masterBase64), policy)) {
                keys = service.load(Instant.now());   // this month's and next month's epochs, on the topic
            }

            try (PipelineApp app = new PipelineApp(config, keys, policy); RawProducer producer = new RawProducer(config)) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                Instant start = Instant.now().minusSeconds(3600);
                DateTimeFormatter f = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
                String line = String.join(",", "\"\"", "\"201\"", "\"07700900928\"", "\"from-internal\"", "\"\"",
                        "\"PJSIP/a-1\"", "\"PJSIP/b-2\"", "\"Dial\"", "\"\"", "\"" + f.format(start) + "\"",
                        "\"" + f.format(start.plusSeconds(5)) + "\"", "\"" + f.format(start.plusSeconds(65)) + "\"", "65", "60",
                        "\"ANSWERED\"", "\"BILLING\"", "\"" + start.getEpochSecond() + ".7\"", "\"\"");
                producer.send(line.getBytes(StandardCharsets.UTF_8), CdrFormat.ASTERISK_CSV, "pbx", null, 0);
                producer.flush();
                await().atMost(Duration.ofSeconds(60)).until(() -> billing(kafka.bootstrapServers()).containsValue(true));

                ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.cdrpipeline.cli.CdrPipelineCli",
                        "erase", "--config", conf.toString(), "--subject", "+447700900928", "--case", "T-1");
                pb.environment().put(KeyVault.MASTER_KEY_ENV, masterBase64);
                pb.environment().remove("CDR_PSEUDONYM_KEYS");
                pb.redirectErrorStream(true).redirectOutput(WORK.resolve("erase.log").toFile());
                Process erase = pb.start();
                assertThat(erase.waitFor()).as("erase in master-key mode: %s", Files.readString(WORK.resolve("erase.log")))
                        .isZero();
                assertThat(Files.readString(WORK.resolve("erase.log"))).contains("2 key epoch(s)");
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    TopicReader.readWhole(c, "cdr.erasure-requests", r -> {
                        assertThat(new String(r.value(), StandardCharsets.ISO_8859_1)).doesNotContain("7700900928");
                        assertThat(new io.cdrpipeline.serde.AvroSerde<>(io.cdrpipeline.schema.ErasureRequest.class,
                                io.cdrpipeline.schema.ErasureRequest.getClassSchema()).decode(r.value()).getSealedSubject())
                                .as("sealed for epochs to come").startsWith("s1:");
                    });
                }

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(billing(kafka.bootstrapServers()).values()).as("the record is tombstoned").containsOnly(false));
            }
        }
    }

    @Test
    void shouldFileASealedSubjectUnderKeyEpochsCreatedAfterTheRequest() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker2"), 0, Map.of())) {
            PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "source.pbx.region", "GB", "source.pbx.zone", "UTC"));
            RetentionPolicy policy = RetentionPolicy.defaults();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            byte[] master = new byte[32];
            new SecureRandom().nextBytes(master);
            KeyVault vault = new KeyVault(master);
            Instant now = Instant.parse("2026-11-29T10:00:00Z");
            String input = io.cdrpipeline.pseudonymize.Pseudonymizer.numberInput("+447700900928");
            io.cdrpipeline.serde.AvroSerde<io.cdrpipeline.schema.ErasureRequest> serde = new io.cdrpipeline.serde.AvroSerde<>(
                    io.cdrpipeline.schema.ErasureRequest.class, io.cdrpipeline.schema.ErasureRequest.getClassSchema());
            try (KeyService service = new KeyService(config, vault, policy);
                    org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> p = new org.apache.kafka.clients.producer.KafkaProducer<>(
                            Map.of("bootstrap.servers", kafka.bootstrapServers()),
                            new org.apache.kafka.common.serialization.StringSerializer(),
                            new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                KeyRing before = service.load(now);   // 2026-11 and 2026-12
                // What erase files in key-store mode: a token per existing epoch, the subject sealed.
                String sealed = vault.seal(input, KeyVault.ERASURE_CONTEXT);
                new io.cdrpipeline.pseudonymize.Pseudonymizer(before, new io.cdrpipeline.pseudonymize.NumberFacts(1))
                        .tokensFor(input).forEach((epoch, token) -> p.send(new org.apache.kafka.clients.producer.ProducerRecord<>(
                                "cdr.erasure-requests", token, serde.encode(io.cdrpipeline.schema.ErasureRequest.newBuilder()
                                        .setRequestId("req-1").setSubjectKind(io.cdrpipeline.schema.SubjectKind.NUMBER)
                                        .setKeyEpoch(epoch).setRequestedAt(now).setSealedSubject(sealed).build()))));
                p.flush();

                service.maintain(now.plus(Duration.ofDays(40)));   // January 2027: epochs 2027-01 and 2027-02 appear
                KeyRing after = service.load(now.plus(Duration.ofDays(40)));
                Map<String, String> expected = new io.cdrpipeline.pseudonymize.Pseudonymizer(after,
                        new io.cdrpipeline.pseudonymize.NumberFacts(1)).tokensFor(input);
                assertThat(expected).containsKeys("2027-01", "2027-02");

                Map<String, String> filed = new HashMap<>();
                java.util.List<String> values = new java.util.ArrayList<>();
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    TopicReader.readWhole(c, "cdr.erasure-requests", r -> {
                        var q = serde.decode(r.value());
                        filed.put(q.getKeyEpoch(), new String(r.key(), StandardCharsets.UTF_8));
                        values.add(new String(r.value(), StandardCharsets.ISO_8859_1));
                        assertThat(q.getRequestId()).isEqualTo("req-1");
                    });
                }
                assertThat(filed).as("the request now covers every epoch, later ones included").containsAllEntriesOf(expected);
                assertThat(values).noneMatch(v -> v.contains("7700900928"));
            }
        }
    }

    /** Billing keys to whether their latest value is a record (true) or a tombstone (false). */
    private static Map<String, Boolean> billing(String bootstrap) {
        Map<String, Boolean> alive = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readWhole(c, "cdr.billing", r -> {
                if (!KeepAlive.isKeepAlive(r.key())) {
                    alive.put(new String(r.key(), StandardCharsets.UTF_8), r.value() != null);
                }
            });
        }
        return alive;
    }
}
