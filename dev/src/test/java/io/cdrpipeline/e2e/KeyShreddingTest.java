package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.app.TopicReader;
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
