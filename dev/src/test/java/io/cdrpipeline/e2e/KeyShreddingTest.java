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

/** Key epochs on the key topic: monthly rotation, and shredding once an epoch's analytics window has closed. */
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
                KeyRing ring = service.load(now);
                assertThat(ring.epochs()).extracting(KeyEpoch::id).containsExactly("2025-01", "2025-02", "2026-11", "2026-12");

                // 2025-01 ended 2025-02-01: + a day + 90 days is long past. 2025-02 ran until 2026-11-01: not yet.
                assertThat(service.maintain(now)).containsExactly("2025-01");
                assertThat(ring.epochs()).extracting(KeyEpoch::id).containsExactly("2025-02", "2026-11", "2026-12");
            }
            try (KeyService other = new KeyService(config, vault, policy)) {
                assertThat(other.load(now).epochs()).extracting(KeyEpoch::id).as("gone for every instance")
                        .containsExactly("2025-02", "2026-11", "2026-12");
            }
            List<AuditReceipt> receipts = read(kafka, "cdr.audit");
            assertThat(receipts).singleElement().satisfies(r -> {
                assertThat(r.getDataClass()).isEqualTo(DataClass.KEY);
                assertThat(r.getReason()).isEqualTo(DeletionReason.KEY_DESTROYED);
                assertThat(r.getKeyHash()).doesNotContain("2025");
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
            try (KeyService service = new KeyService(config, vault, policy)) {
                Instant dayBefore = deadline.minus(java.time.Duration.ofDays(1));
                KeyRing ring = service.load(dayBefore);
                assertThat(service.maintain(dayBefore)).as("a day before the deadline").isEmpty();
                assertThat(ring.epochs()).extracting(KeyEpoch::id).contains("2025-05");
                assertThat(service.maintain(deadline.plus(java.time.Duration.ofDays(1)))).as("a day after")
                        .containsExactly("2025-05");
            }
            assertThat(read(kafka, "cdr.audit")).singleElement()
                    .satisfies(r -> assertThat(r.getWindowClose()).isEqualTo(deadline));
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
