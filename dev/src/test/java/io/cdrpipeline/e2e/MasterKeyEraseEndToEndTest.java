package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.ErasureResolver;
import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.app.PipelineRuntime;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.pseudonymize.SubjectSealing;
import io.cdrpipeline.retention.ControlKeys;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.schema.SubjectKind;
import io.cdrpipeline.serde.AvroSerde;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The production set-up: keys on the key topic under the master key, which only the pipeline
 * holds. {@code erase}, run as an operator would — its own JVM, no master key, no key file —
 * seals the subject to the key the pipeline published; the pipeline files the subject's token
 * under every epoch and deletes the subject's record. Requests are filed again under every epoch
 * created later, requests sealed under the master key by earlier releases included.
 */
class MasterKeyEraseEndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-master-erase-" + System.nanoTime());
    private static final AvroSerde<ErasureRequest> REQUESTS = new AvroSerde<>(ErasureRequest.class,
            ErasureRequest.getClassSchema());

    @Test
    void shouldEraseWithKeysOnTheKeyTopicWhileTheOperatorHoldsNoKey() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Files.createDirectories(WORK);
            Path policyFile = WORK.resolve("policy.yaml");
            Files.writeString(policyFile, "version: 1\nsweep-interval: 1s\nwindows: {billing: 3650d, analytics: 3650d}\n");
            Map<String, String> ops = new HashMap<>();
            ops.put("bootstrap.servers", kafka.bootstrapServers());
            ops.put("application.id", "cdr-master-erase");
            ops.put("retention.policy.file", policyFile.toString());
            ops.put("source.pbx.region", "GB");
            ops.put("source.pbx.zone", "UTC");
            Path masterFile = WORK.resolve("master.key");
            byte[] master = new byte[32];
            new SecureRandom().nextBytes(master);
            Files.writeString(masterFile, Base64.getEncoder().encodeToString(master) + "\n");
            Files.setPosixFilePermissions(masterFile, PosixFilePermissions.fromString("rw-------"));
            Map<String, String> pipeline = new HashMap<>(ops);
            pipeline.put("pseudonym.master.key.file", masterFile.toString());
            pipeline.put("state.dir", WORK.resolve("state").toString());
            pipeline.put("ops.port", "-1");
            Path opsConf = WORK.resolve("ops.properties");
            Files.writeString(opsConf, ops.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .collect(Collectors.joining()));
            PipelineConfig config = PipelineConfig.of(pipeline);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.load(policyFile)));
            }

            try (PipelineRuntime run = PipelineRuntime.start(config); RawProducer producer = new RawProducer(config)) {
                await().atMost(Duration.ofSeconds(60)).until(() -> run.state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING);
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
                        "erase", "--config", opsConf.toString(), "--subject", "+447700900928", "--case", "T-1");
                pb.environment().remove(KeyVault.MASTER_KEY_ENV);
                pb.environment().remove("CDR_PSEUDONYM_KEYS");
                pb.redirectErrorStream(true).redirectOutput(WORK.resolve("erase.log").toFile());
                Process erase = pb.start();
                assertThat(erase.waitFor()).as("erase holding no key: %s", Files.readString(WORK.resolve("erase.log")))
                        .isZero();
                assertThat(Files.readString(WORK.resolve("erase.log"))).contains("filed");

                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(billing(kafka.bootstrapServers()).values()).as("the record is tombstoned").containsOnly(false));
                Map<String, ErasureRequest> requests = requests(kafka.bootstrapServers());
                assertThat(requests.keySet()).filteredOn(ControlKeys::isToken).as("a token per key epoch (this month, next)")
                        .hasSize(2);
                assertThat(requests.values()).extracting(ErasureRequest::getCaseReference).containsOnly("T-1");
                assertThat(requests.values()).allSatisfy(q -> assertThat(q.getSealedSubject()).startsWith("h1:"));
                assertThat(rawValues(kafka.bootstrapServers(), "cdr.erasure-requests")).noneMatch(v -> v.contains("7700900928"));
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
            String input = Pseudonymizer.numberInput("+447700900928");
            String legacyInput = Pseudonymizer.accountInput("acct-legacy");
            try (KeyService service = new KeyService(config, vault, policy);
                    KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                            new StringSerializer(), new ByteArraySerializer())) {
                KeyRing ring = service.load(now);   // 2026-11 and 2026-12
                // What erase files now: the subject sealed to the pipeline's public key, under a request key.
                p.send(new ProducerRecord<>("cdr.erasure-requests", ControlKeys.sealedRequest("req-1"),
                        REQUESTS.encode(ErasureRequest.newBuilder().setRequestId("req-1").setSubjectKind(SubjectKind.NUMBER)
                                .setKeyEpoch("").setRequestedAt(now)
                                .setSealedSubject(SubjectSealing.seal(vault.sealing().publicKey(), input, "req-1")).build()))).get();
                // What an earlier release filed: a token-keyed request with the subject sealed under the master key.
                String legacyToken = new Pseudonymizer(ring, new NumberFacts(1)).tokensFor(legacyInput).get("2026-11");
                p.send(new ProducerRecord<>("cdr.erasure-requests", legacyToken, REQUESTS.encode(ErasureRequest.newBuilder()
                        .setRequestId("req-old").setSubjectKind(SubjectKind.ACCOUNT).setKeyEpoch("2026-11").setRequestedAt(now)
                        .setSealedSubject(vault.seal(legacyInput, KeyVault.ERASURE_CONTEXT)).build()))).get();
                try (ErasureResolver resolver = new ErasureResolver(config, ring, vault.sealing(), vault)) {
                    resolver.run();
                    assertThat(filed(kafka.bootstrapServers(), "req-1")).containsOnlyKeys("2026-11", "2026-12");

                    service.maintain(now.plus(Duration.ofDays(40)));   // January 2027: epochs 2027-01 and 2027-02 appear
                    resolver.run();
                    Pseudonymizer after = new Pseudonymizer(ring, new NumberFacts(1));
                    assertThat(filed(kafka.bootstrapServers(), "req-1")).as("the request covers every epoch, later ones too")
                            .containsAllEntriesOf(after.tokensFor(input)).containsKeys("2027-01", "2027-02");
                    assertThat(filed(kafka.bootstrapServers(), "req-old")).containsAllEntriesOf(after.tokensFor(legacyInput));
                    assertThat(resolver.run()).as("nothing more to file").isZero();
                }
                assertThat(rawValues(kafka.bootstrapServers(), "cdr.erasure-requests")).noneMatch(v -> v.contains("7700900928"))
                        .noneMatch(v -> v.contains("acct-legacy"));
            }
        }
    }

    /** The token-keyed requests of one request id, by key epoch → token. */
    private static Map<String, String> filed(String bootstrap, String requestId) {
        Map<String, String> out = new HashMap<>();
        requests(bootstrap).forEach((key, q) -> {
            if (ControlKeys.isToken(key) && q.getRequestId().equals(requestId)) {
                out.put(q.getKeyEpoch(), key);
            }
        });
        return out;
    }

    private static Map<String, ErasureRequest> requests(String bootstrap) {
        Map<String, ErasureRequest> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readWhole(c, "cdr.erasure-requests", r -> {
                if (r.value() == null) {
                    out.remove(r.key());
                } else if (!ControlKeys.isReserved(r.key()) || ControlKeys.isSealedRequest(r.key())) {
                    out.put(r.key(), REQUESTS.decode(r.value()));
                }
            });
        }
        return out;
    }

    private static List<String> rawValues(String bootstrap, String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readWhole(c, topic, r -> {
                if (r.value() != null) {
                    values.add(new String(r.key(), StandardCharsets.ISO_8859_1) + new String(r.value(), StandardCharsets.ISO_8859_1));
                }
            });
        }
        return values;
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
