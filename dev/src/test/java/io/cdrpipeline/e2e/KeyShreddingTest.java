package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.topology.Topics;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Key epochs on the key topic: monthly rotation by one fenced writer, and shredding — the
 * pseudonymisation key once an epoch's analytics window has closed, its token key once its longest
 * billing window has.
 */
class KeyShreddingTest {

    private static final Path WORK = Path.of("target", "keys-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldDestroyAnEpochWhoseAnalyticsWindowClosedEverywhere() throws Exception {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeyVault vault = new KeyVault(master);
        RetentionPolicy policy = RetentionPolicy.defaults();
        Instant now = Instant.parse("2026-11-26T12:00:00Z");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK, 0, Map.of())) {
            PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                for (String month : List.of("2025-01", "2025-02")) {
                    byte[] key = new byte[32];
                    new SecureRandom().nextBytes(key);
                    KeyEpoch e = new KeyEpoch(month, Instant.parse(month + "-01T00:00:00Z"), key);
                    p.send(new ProducerRecord<>("cdr.pseudonym-keys", month, vault.wrap(e))).get();
                }
            }

            try (KeyService service = new KeyService(config, vault, policy)) {
                // 2025-01 ended 2025-02-01: + a day + 90 days (and + 180 days of billing) is long past: it goes
                // as the pipeline starts. 2025-02 ran until 2026-11-01: not yet.
                KeyRing ring = service.load(now);
                assertThat(ring.epochs()).extracting(KeyEpoch::id).containsExactly("2025-02", "2026-11", "2026-12");
                assertThat(service.maintain(now)).as("nothing more is due").isEmpty();
            }
            try (KeyService other = new KeyService(config, vault, policy)) {
                assertThat(other.load(now).epochs()).extracting(KeyEpoch::id).as("gone for every instance")
                        .containsExactly("2025-02", "2026-11", "2026-12");
            }
            List<AuditReceipt> receipts = read(kafka, "cdr.audit");
            assertThat(receipts).singleElement().satisfies(r -> {
                assertThat(r.getDataClass()).isEqualTo(DataClass.KEY);
                assertThat(r.getReason()).isEqualTo(DeletionReason.KEY_DESTROYED);
                // The epoch is named by the audit key's hash of its record key, never in clear.
                assertThat(r.getKeyHash()).isEqualTo(vault.auditKey().hash("cdr.pseudonym-keys", "2025-01"));
            });
        }
    }

    /**
     * Clocks we hold (issue 14): an epoch's deadline is the next epoch's start + the longest call (one
     * day) + the analytics window; a day before it the key stays, a day after it is destroyed, and the
     * receipt's windowClose is that deadline exactly.
     */
    @Test
    void shouldDestroyAnEpochADayAfterItsDeadlineAndNotADayBefore() throws Exception {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeyVault vault = new KeyVault(master);
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 180d, analytics: 30d}\n", "t");
        Instant deadline = Instant.parse("2025-06-01T00:00:00Z").plus(java.time.Duration.ofDays(1 + 30));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("deadline"), 0, Map.of())) {
            PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                for (String month : List.of("2025-05", "2025-06")) {
                    byte[] key = new byte[32];
                    new SecureRandom().nextBytes(key);
                    p.send(new ProducerRecord<>("cdr.pseudonym-keys", month,
                            vault.wrap(new KeyEpoch(month, Instant.parse(month + "-01T00:00:00Z"), key)))).get();
                }
            }
            Instant tokenDeadline = Instant.parse("2025-06-01T00:00:00Z").plus(java.time.Duration.ofDays(1 + 180));
            try (KeyService service = new KeyService(config, vault, policy)) {
                Instant dayBefore = deadline.minus(java.time.Duration.ofDays(1));
                KeyRing ring = service.load(dayBefore);
                assertThat(service.maintain(dayBefore)).as("a day before the deadline").isEmpty();
                assertThat(ring.epochs()).extracting(KeyEpoch::id).contains("2025-05");
                assertThat(service.maintain(deadline.plus(java.time.Duration.ofDays(1)))).as("a day after")
                        .containsExactly("2025-05");
                // Issue 21, finding 3: billing lives 180 days, so erasure still needs the epoch's subject tokens.
                KeyEpoch kept = ring.epoch("2025-05");
                assertThat(kept).isNotNull();
                assertThat(kept.pseudonymizes()).as("no analytics pseudonym can be made any more").isFalse();
                assertThat(service.maintain(tokenDeadline.minus(java.time.Duration.ofDays(1)))).doesNotContain("2025-05#tokens");
                assertThat(ring.epoch("2025-05")).isNotNull();
                assertThat(service.maintain(tokenDeadline.plus(java.time.Duration.ofDays(1))))
                        .as("the token key goes once the longest billing window has closed").containsExactly("2025-05#tokens");
                assertThat(ring.epoch("2025-05")).isNull();
            }
            try (KeyService other = new KeyService(config, vault, policy)) {
                assertThat(other.load(tokenDeadline.plus(java.time.Duration.ofDays(2))).epoch("2025-05"))
                        .as("gone for every instance").isNull();
            }
            assertThat(read(kafka, "cdr.audit")).extracting(AuditReceipt::getWindowClose)
                    .contains(deadline, tokenDeadline);
        }
    }

    /**
     * Issue 25: the master key rotated with `rotate-master-key` while the topic holds epochs and a
     * token key. Read with the new key: the same epochs, the same audit key (receipts and the
     * deletion ledger stay valid) and the same sealing key (pending erasure requests open); a second
     * rotation carries the root on. The old key reads nothing any more.
     */
    @Test
    void shouldRotateTheMasterKeyKeepingEpochsAuditAndSealingKeys() throws Exception {
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 180d, analytics: 30d}\n", "t");
        Path dir = java.nio.file.Files.createDirectories(WORK.resolve("rotation"));
        Path[] keys = new Path[3];
        for (int i = 0; i < 3; i++) {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            keys[i] = dir.resolve("master-" + i + ".key");
            java.nio.file.Files.writeString(keys[i], java.util.Base64.getEncoder().encodeToString(k) + "\n");
            java.nio.file.Files.setPosixFilePermissions(keys[i], java.nio.file.attribute.PosixFilePermissions.fromString("r--------"));
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("rotation-broker"), 0, Map.of())) {
            PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            KeyVault first = vault(keys[0]);
            // An epoch four months back, as a pipeline running then wrote it: at load its pseudonym key goes
            // and its token key stays (billing 180 days), so the topic holds both kinds of key record.
            java.time.ZonedDateTime month = Instant.now().atZone(java.time.ZoneOffset.UTC).withDayOfMonth(1)
                    .toLocalDate().atStartOfDay(java.time.ZoneOffset.UTC);
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", kafka.bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                for (int back : new int[] {4, 3}) {
                    java.time.ZonedDateTime m = month.minusMonths(back);
                    byte[] key = new byte[32];
                    new SecureRandom().nextBytes(key);
                    p.send(new ProducerRecord<>("cdr.pseudonym-keys", m.toString().substring(0, 7),
                            first.wrap(new KeyEpoch(m.toString().substring(0, 7), m.toInstant(), key)))).get();
                }
            }
            String old = month.minusMonths(4).toString().substring(0, 7);
            KeyRing before;
            try (KeyService service = new KeyService(config, first, policy)) {
                before = service.load(Instant.now());
            }
            assertThat(before.epoch(old).pseudonymizes()).as("%s: token key only", old).isFalse();
            for (int i = 1; i < 3; i++) {
                Path conf = dir.resolve("pipeline-" + i + ".properties");
                java.nio.file.Files.writeString(conf, "bootstrap.servers=" + kafka.bootstrapServers()
                        + "\npseudonym.master.key.file=" + keys[i - 1] + "\nretention.policy.file=" + writePolicy(dir) + "\n");
                assertThat(io.cdrpipeline.cli.CdrPipelineCli.execute("rotate-master-key", "--config", conf.toString(),
                        "--new-master-key-file", keys[i].toString())).as("rotation %d", i).isZero();
                try (KeyService rotated = new KeyService(config, vault(keys[i]), policy)) {
                    KeyRing after = rotated.load(Instant.now());
                    for (KeyEpoch e : before.epochs()) {
                        assertThat(after.epoch(e.id())).as("epoch %s under master key %d", e.id(), i).isEqualTo(e);
                    }
                    assertThat(rotated.vault().auditKey().bytes()).as("the audit key").isEqualTo(first.auditKey().bytes());
                    assertThat(rotated.vault().sealing().publicKey()).as("the sealing key").isEqualTo(first.sealing().publicKey());
                }
                Path previous = keys[i - 1];
                try (KeyService stale = new KeyService(config, vault(previous), policy)) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> stale.load(Instant.now()))
                            .as("the previous master key reads nothing").hasMessageContaining("wrong master key");
                }
            }
        }
    }

    private static KeyVault vault(Path file) throws Exception {
        return KeyVault.fromEnvironment(java.nio.file.Files.readString(file));
    }

    private static Path writePolicy(Path dir) throws Exception {
        return java.nio.file.Files.writeString(dir.resolve("policy.yaml"), "version: 1\nwindows: {billing: 180d, analytics: 30d}\n");
    }

    /**
     * Issue 25: a key that cannot be destroyed when due is counted (cdr_key_epochs_overdue, alert
     * CdrKeyShreddingOverdue) until a round destroys it. Here the audit topic, written in the
     * destruction's transaction, is missing: the rounds fail within the key writer's bound.
     */
    @Test
    void shouldCountAKeyItCouldNotDestroyUntilItIsDestroyed() throws Exception {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeyVault vault = new KeyVault(master);
        RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 30d, analytics: 30d}\n", "t");
        Instant due = Instant.parse("2025-06-01T00:00:00Z").plus(java.time.Duration.ofDays(3 + 30));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("overdue"), 0, Map.of())) {
            PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers()));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
                try (KeyService service = new KeyService(config, vault, policy)) {
                    service.load(Instant.parse("2025-05-20T00:00:00Z"));
                    assertThat(service.overdueKeys()).as("nothing due yet").isZero();
                    admin.deleteTopics(List.of("cdr.audit")).all().get();
                    assertThat(service.maintain(due)).as("the destruction's transaction cannot be written").isEmpty();
                    assertThat(service.overdueKeys()).as("2025-05's key (tokens need it no longer: both windows 30 days)")
                            .isEqualTo(1);
                    TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
                    assertThat(service.maintain(due)).containsExactly("2025-05");
                    assertThat(service.overdueKeys()).isZero();
                }
            }
        }
    }

    /**
     * Issue 21, finding 4: two instances' key services maintaining into new months at the same time
     * (each once created the month with its own random bytes, and pseudonymised one subject apart).
     * Whoever writes, both hold the same epochs, byte for byte, after every round.
     */
    @Test
    void shouldGiveTwoInstancesTheSameEpochsWhenTheyRaceIntoANewMonth() throws Exception {
        byte[] master = new byte[32];
        new SecureRandom().nextBytes(master);
        KeyVault vault = new KeyVault(master);
        RetentionPolicy policy = RetentionPolicy.defaults();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("race"), 0, Map.of())) {
            PipelineConfig config = PipelineConfig.of(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "application.id", "cdr-race"));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
                    KeyService a = new KeyService(config, vault, policy);
                    KeyService b = new KeyService(config, vault, policy)) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
                java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
                try {
                    Instant start = Instant.parse("2026-11-20T00:00:00Z");
                    var loads = List.of(pool.submit(() -> a.load(start)), pool.submit(() -> b.load(start)));
                    KeyRing ringA = loads.get(0).get();
                    KeyRing ringB = loads.get(1).get();
                    assertThat(ringA.epochs()).isEqualTo(ringB.epochs());
                    for (int month = 1; month <= 4; month++) {
                        Instant t = start.plus(java.time.Duration.ofDays(31L * month));
                        var rounds = List.of(pool.submit(() -> a.maintain(t)), pool.submit(() -> b.maintain(t)));
                        for (var r : rounds) {
                            r.get();
                        }
                        a.maintain(t);   // each reads what the other wrote last
                        b.maintain(t);
                        assertThat(ringA.epochs()).as("round %d", month).isEqualTo(ringB.epochs());
                        assertThat(ringA.epochs()).extracting(KeyEpoch::id).contains(
                                t.atZone(java.time.ZoneOffset.UTC).toString().substring(0, 7));
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
            // Every epoch id was written once, whoever won each race.
            Map<String, Integer> writes = new java.util.HashMap<>();
            try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                    new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer())) {
                TopicReader.readWhole(c, "cdr.pseudonym-keys", r -> {
                    if (r.value() != null) {
                        writes.merge(r.key(), 1, Integer::sum);
                    }
                });
            }
            assertThat(writes).isNotEmpty().allSatisfy((id, n) -> assertThat(n).as("writes of %s", id).isEqualTo(1));
        }
    }

    private static List<AuditReceipt> read(EmbeddedKafka kafka, String topic) {
        List<AuditReceipt> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readWhole(c, topic, r -> out.add(Topics.auditSerde().decode(r.value())));
        }
        return out;
    }
}
