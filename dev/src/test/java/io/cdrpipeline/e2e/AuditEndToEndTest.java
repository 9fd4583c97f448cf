package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.testing.Pipelines;
import io.cdrpipeline.testing.Prerequisite;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.topology.Topics;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 27 on a real broker, as an operator and an auditor run it: the pipeline signs checkpoints
 * of its receipts with the key {@code keys --audit-signing-key} wrote; a subject is erased; {@code
 * audit verify} passes; {@code audit prove} writes the certificate of one erased record, which the
 * offline verifier of the docs ({@code examples/verify_certificate.py}, Python's standard library
 * only) accepts with the operator's {@code .pub} alone — and refuses once one byte changes. Then the
 * erased record is written back to {@code cdr.billing}, as a lost tombstone would leave it: {@code
 * audit verify} fails naming its receipt. Receipts and checkpoints carry no number and no record id.
 */
class AuditEndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-audit-" + System.nanoTime()).toAbsolutePath();
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void anErasureIsVerifiedProvedOfflineAndARecordWrittenBackIsNamed() throws Exception {
        Files.createDirectories(WORK);
        Path signingKey = WORK.resolve("audit.key");
        assertThat(CdrPipelineCli.execute("keys", "--audit-signing-key", "--out", signingKey.toString())).isZero();
        Path verifierKey = Path.of(signingKey + ".pub");
        assertThat(Files.getPosixFilePermissions(signingKey)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            KeyRing keys = KeyRing.random("audit", Instant.EPOCH);
            Path keyFile = WORK.resolve("keys.properties");
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, keys.toFileText());
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-audit");
            settings.put("state.dir", WORK.resolve("state").toString());
            settings.put("pseudonym.key.file", keyFile.toString());
            settings.put("pseudonym.key.mode", "static");
            settings.put("audit.signing.key.file", signingKey.toString());
            settings.put("audit.checkpoint.interval", "1s");
            Path policyFile = Files.writeString(WORK.resolve("policy.yaml"),
                    "version: 1\nsweep-interval: 1s\nwindows: {billing: 7300d, analytics: 7300d}\n");
            settings.put("retention.policy.file", policyFile.toString());
            PipelineConfig config = PipelineConfig.of(settings);
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .collect(Collectors.joining()));
            RetentionPolicy policy = RetentionPolicy.load(policyFile);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            Map<String, BillingRecord> billing = new HashMap<>();
            String subject;
            Set<String> erased = new HashSet<>();
            try (PipelineApp app = Pipelines.app(config, keys, policy)) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
                    Path p = Files.write(WORK.resolve(f.path().replace('/', '_')), f.bytes());
                    assertThat(CdrPipelineCli.execute("produce", "--config", conf.toString(), "--format", f.format().id(),
                            "--source", f.source(), p.toString())).isZero();
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> billing(kafka).size() >= 16);
                billing.putAll(billing(kafka));
                subject = billing.values().stream().map(BillingRecord::getCalling)
                        .filter(n -> n.getType() == NumberType.E164).map(PartyNumber::getNumber).findFirst().orElseThrow();
                billing.values().stream().filter(b -> subject.equals(b.getCalling().getNumber())
                        || subject.equals(b.getCalled().getNumber())).forEach(b -> erased.add(b.getRecordId()));
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", subject, "--case",
                        "DSR-2026-118")).isZero();
                await().atMost(Duration.ofSeconds(60)).until(() -> !billing(kafka).keySet().removeAll(erased)
                        && billing(kafka).size() == billing.size() - erased.size());

                // Verified once every receipt is under a signed checkpoint.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                    Out v = cli("audit", "verify", "--config", conf.toString(), "--verifier-key", verifierKey.toString());
                    return v.exit() == 0 && v.out().contains(" 0 newer than the last");
                });
                Out verified = cli("audit", "verify", "--config", conf.toString(), "--verifier-key", verifierKey.toString());
                assertThat(verified.exit()).as(verified.out()).isZero();
                assertThat(verified.out()).contains("OK: every receipt decodes");
                System.out.println("audit verify: " + verified.out().lines().findFirst().orElse(""));

                // The certificate of one erased record, checked offline with the .pub alone.
                String recordId = erased.iterator().next();
                Path certificate = WORK.resolve("certificate.json");
                Out prove = cli("audit", "prove", "--config", conf.toString(), "--record-id", recordId, "--out",
                        certificate.toString());
                assertThat(prove.exit()).as(prove.out()).isZero();
                Path python = Path.of("/usr/bin/python3");
                Prerequisite.require(Files.isExecutable(python), "/usr/bin/python3");
                Out offline = python(python, verifierKey, certificate);
                assertThat(offline.exit()).as(offline.out()).isZero();
                assertThat(offline.out()).contains("checkpoint: cdr-pipeline/cdr-audit/cdr.audit/", "ERASURE_REQUEST", "OK");
                String text = Files.readString(certificate);
                int at = text.indexOf("\"leaf\" : \"") + 20;
                Path changed = Files.writeString(WORK.resolve("changed.json"), text.substring(0, at)
                        + (text.charAt(at) == 'A' ? 'B' : 'A') + text.substring(at + 1));
                Out refused = python(python, verifierKey, changed);
                assertThat(refused.exit()).as(refused.out()).isEqualTo(1);
                assertThat(refused.out()).contains("FAILED", "inclusion proof does not lead to the signed root");
                // The case's certificate: every receipt of what the erasure filed under DSR-2026-118 deleted.
                Path caseCertificate = WORK.resolve("case.json");
                Out proveCase = cli("audit", "prove", "--config", conf.toString(), "--case", "DSR-2026-118", "--out",
                        caseCertificate.toString());
                assertThat(proveCase.exit()).as(proveCase.out()).isZero();
                Out caseOffline = python(python, verifierKey, caseCertificate);
                assertThat(caseOffline.exit()).as(caseOffline.out()).isZero();
                assertThat(caseOffline.out().lines().filter(l -> l.startsWith("receipt ")).toList()).as(caseOffline.out())
                        .hasSizeGreaterThanOrEqualTo(2).allSatisfy(l -> assertThat(l).contains("ERASURE_REQUEST", "DSR-2026-118"));
                assertThat(caseOffline.out().lines().filter(l -> l.startsWith("receipt ")))
                        .anySatisfy(l -> assertThat(l).contains("cdr.billing")).anySatisfy(l -> assertThat(l).contains("cdr.analytics"));
                Path otherKey = WORK.resolve("other.key");
                assertThat(CdrPipelineCli.execute("keys", "--audit-signing-key", "--out", otherKey.toString())).isZero();
                assertThat(python(python, Path.of(otherKey + ".pub"), certificate).out()).contains("FAILED",
                        "not signed by");

                // No number, no record id in the receipts or the checkpoints.
                Set<String> secrets = new HashSet<>();
                billing.values().forEach(b -> {
                    secrets.add(b.getRecordId());
                    for (PartyNumber n : List.of(b.getCalling(), b.getCalled())) {
                        if (n.getNumber() != null && n.getNumber().length() >= 7) {
                            secrets.add(n.getNumber());
                            secrets.add(n.getNumber().replace("+", ""));
                        }
                    }
                });
                assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), List.of("cdr.audit", "cdr.audit-checkpoints"),
                        secrets)).isEmpty();
                assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), List.of("cdr.billing"), secrets))
                        .as("the scan finds what is there").isNotEmpty();

                // A lost tombstone: the erased record is back on cdr.billing. Named by its receipt.
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                        new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>("cdr.billing", recordId,
                            Topics.billingSerde().encode(billing.get(recordId)))).get();
                }
                Out failed = cli("audit", "verify", "--config", conf.toString(), "--verifier-key", verifierKey.toString());
                assertThat(failed.exit()).as(failed.out()).isEqualTo(1);
                assertThat(failed.out()).contains("FAILED receipt ", "still live on cdr.billing", "tombstone was never written");

                // A checkpoint signed with another key, appended to the checkpoint topic: named by its position.
                var serde = new io.cdrpipeline.serde.AvroSerde<>(io.cdrpipeline.schema.AuditCheckpoint.class,
                        io.cdrpipeline.schema.AuditCheckpoint.getClassSchema());
                io.cdrpipeline.schema.AuditCheckpoint genuine = serde.decode(lastValue(kafka, "cdr.audit-checkpoints"));
                String body = genuine.getNote().substring(0, genuine.getNote().indexOf("\n\n") + 1);
                io.cdrpipeline.schema.AuditCheckpoint forged = io.cdrpipeline.schema.AuditCheckpoint.newBuilder(genuine)
                        .setNote(io.cdrpipeline.audit.NoteSigner.load(otherKey).sign(body)).build();
                try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
                        new ByteArraySerializer())) {
                    producer.send(new ProducerRecord<>("cdr.audit-checkpoints", 0, "forged", serde.encode(forged))).get();
                }
                Out forgedOut = cli("audit", "verify", "--config", conf.toString(), "--verifier-key", verifierKey.toString());
                assertThat(forgedOut.exit()).isEqualTo(1);
                assertThat(forgedOut.out()).contains("FAILED checkpoint 0@", "signed by another key");
            }
        }
    }

    private record Out(int exit, String out) {
    }

    private static synchronized Out cli(String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        int exit;
        try {
            exit = CdrPipelineCli.execute(args);
        } finally {
            System.setOut(stdout);
        }
        return new Out(exit, bytes.toString(StandardCharsets.UTF_8));
    }

    private static Out python(Path python, Path verifierKey, Path certificate) throws Exception {
        Process p = new ProcessBuilder(python.toString(), "examples/verify_certificate.py", "--verifier-key",
                verifierKey.toString(), certificate.toString()).directory(ROOT.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Out(p.waitFor(), out);
    }

    /** The last value written to a topic (the latest timestamp across its partitions). */
    private static byte[] lastValue(EmbeddedKafka kafka, String topic) {
        byte[][] last = {null};
        long[] at = {-1};
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicReader.readWhole(c, topic, r -> {
                if (r.value() != null && r.timestamp() >= at[0]) {
                    at[0] = r.timestamp();
                    last[0] = r.value();
                }
            });
        }
        return last[0];
    }

    private static Map<String, BillingRecord> billing(EmbeddedKafka kafka) {
        Map<String, BillingRecord> out = new HashMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicReader.readWhole(c, "cdr.billing", r -> {
                if (KeepAlive.isKeepAlive(r.key())) {
                    return;
                }
                if (r.value() == null) {
                    out.remove(r.key());
                } else {
                    out.put(r.key(), Topics.billingSerde().decode(r.value()));
                }
            });
        }
        return out;
    }
}
