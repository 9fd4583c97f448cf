package io.cdrpipeline.app;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.serde.AvroSerde;
import io.cdrpipeline.retention.DeletionEmitter;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionRules;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key store on Kafka: pseudonymisation key epochs, wrapped by the master key, in a compacted
 * topic only the pipeline may read. Epochs rotate monthly (the current and the next month always
 * exist). An epoch is shredded once every analytics record it could have produced is past its
 * window — calls that started before the next epoch, plus a day for the longest call, plus the
 * analytics window and a sweep: a tombstone on the key topic, removal from every instance's
 * memory, and a {@code KEY_DESTROYED} receipt. Any copy of analytics data that escaped deletion
 * can then no longer be linked to a number.
 */
public final class KeyService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KeyService.class);

    private final KeyVault vault;
    private final RetentionPolicy policy;
    private final String topic;
    private final String auditTopic;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final TopicPartition partition;
    private KeyRing ring;
    private final DeletionEmitter deletions;
    private final String erasureTopic;
    private final Map<String, Object> clientSettings;
    private static final AvroSerde<ErasureRequest> REQUESTS = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());

    public KeyService(PipelineConfig config, KeyVault vault, RetentionPolicy policy) {
        this.vault = vault;
        this.deletions = new DeletionEmitter(vault.auditKey(), policy, null);
        this.policy = policy;
        this.topic = config.topic(OwnedTopic.PSEUDONYM_KEYS);
        this.auditTopic = config.topic(OwnedTopic.AUDIT);
        this.erasureTopic = config.topic(OwnedTopic.ERASURE_REQUESTS);
        this.clientSettings = KafkaClients.consumer(config);
        this.consumer = new KafkaConsumer<>(clientSettings, new StringDeserializer(), new StringDeserializer());
        Map<String, Object> p = KafkaClients.producer(config);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    /** Reads every epoch from the topic and makes sure this month's and next month's exist. */
    public KeyRing load(Instant now) throws ExecutionException, InterruptedException {
        List<KeyEpoch> epochs = new ArrayList<>();
        Map<String, KeyEpoch> byId = new HashMap<>();
        readToEnd((id, wrapped) -> {
            if (wrapped == null) {
                byId.remove(id);
            } else {
                byId.put(id, vault.unwrap(id, wrapped));
            }
        });
        epochs.addAll(byId.values());
        List<KeyEpoch> created = missingMonths(byId, now);
        for (KeyEpoch e : created) {
            producer.send(new ProducerRecord<>(topic, e.id(), vault.wrap(e).getBytes(StandardCharsets.UTF_8))).get();
            epochs.add(e);
            LOG.info("created key epoch {}", e.id());
        }
        ring = new KeyRing(epochs);
        refileErasures(created);
        return ring;
    }

    /** Applies what other instances did since the last call, rotates, and shreds what is due at {@code now}. */
    public List<String> maintain(Instant now) throws ExecutionException, InterruptedException {
        readToEnd((id, wrapped) -> {
            if (wrapped == null) {
                ring.destroy(id);
            } else {
                ring.add(vault.unwrap(id, wrapped));
            }
        });
        Map<String, KeyEpoch> byId = new HashMap<>();
        ring.epochs().forEach(e -> byId.put(e.id(), e));
        List<KeyEpoch> created = missingMonths(byId, now);
        for (KeyEpoch e : created) {
            producer.send(new ProducerRecord<>(topic, e.id(), vault.wrap(e).getBytes(StandardCharsets.UTF_8))).get();
            ring.add(e);
        }
        refileErasures(created);
        List<String> destroyed = new ArrayList<>();
        List<KeyEpoch> epochs = ring.epochs();
        for (int i = 0; i + 1 < epochs.size(); i++) {
            Instant closes = RetentionRules.keyEpochCloses(epochs.get(i + 1).notBefore(), policy.window(DataClass.ANALYTICS));
            if (RetentionRules.keyEpochDue(closes, policy.sweepInterval(), now)) {
                String id = epochs.get(i).id();
                List<Future<RecordMetadata>> sent = new ArrayList<>(2);
                DeletionEmitter.Sink sink = new DeletionEmitter.Sink() {
                    @Override
                    public void tombstone(DataClass kind, String keyTopic, String key, long at) {
                        sent.add(producer.send(new ProducerRecord<>(keyTopic, key, null)));
                    }

                    @Override
                    public void receipt(String keyHash, AuditReceipt receipt, long at) {
                        sent.add(producer.send(new ProducerRecord<>(auditTopic, keyHash, Topics.auditSerde().encode(receipt))));
                    }
                };
                deletions.delete(sink, DataClass.KEY, topic, id, DeletionReason.KEY_DESTROYED, closes.toEpochMilli(), 0,
                        now.toEpochMilli());
                deletions.flush(sink, now.toEpochMilli());   // its own receipt, before the epoch is forgotten
                for (Future<RecordMetadata> f : sent) {
                    f.get();
                }
                ring.destroy(id);
                destroyed.add(id);
                LOG.info("destroyed key epoch {}: its analytics window closed at {}", id, closes);
            }
        }
        // The key topic is written about once a month: without an append its active segment, which
        // still holds a destroyed epoch's wrapped key, would never roll nor be compacted (KeepAlive).
        producer.send(new ProducerRecord<>(topic, KeepAlive.key(0, 1), null)).get();
        return destroyed;
    }

    /**
     * An erased subject stays erased under epochs created after the request: for every request
     * that carries its subject sealed under the master key, the subject's token under each new
     * epoch is filed as a request of its own (same request id, code and case).
     */
    private void refileErasures(List<KeyEpoch> created) throws ExecutionException, InterruptedException {
        if (created.isEmpty()) {
            return;
        }
        Map<String, ErasureRequest> sealedByRequest = new java.util.LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> requests = new KafkaConsumer<>(clientSettings, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            TopicReader.readWhole(requests, erasureTopic, r -> {
                if (r.value() != null) {
                    ErasureRequest q = REQUESTS.decode(r.value());
                    if (q.getSealedSubject() != null) {
                        sealedByRequest.putIfAbsent(q.getRequestId(), q);
                    }
                }
            });
        }
        for (ErasureRequest q : sealedByRequest.values()) {
            String input = vault.unseal(q.getSealedSubject(), KeyVault.ERASURE_CONTEXT);
            for (KeyEpoch e : created) {
                String token = new Pseudonymizer(new KeyRing(List.of(e)), new NumberFacts(1)).tokensFor(input).get(e.id());
                producer.send(new ProducerRecord<>(erasureTopic, token, REQUESTS.encode(ErasureRequest.newBuilder(q)
                        .setKeyEpoch(e.id()).build()))).get();
            }
        }
        if (!sealedByRequest.isEmpty()) {
            LOG.info("filed {} erasure request(s) under {} new key epoch(s)", sealedByRequest.size(), created.size());
        }
    }

    private void readToEnd(java.util.function.BiConsumer<String, String> apply) {
        TopicReader.readToEnd(consumer, List.of(partition), r -> {
            if (!KeepAlive.isKeepAlive(r.key())) {
                apply.accept(r.key(), r.value());
            }
        });
    }

    private static List<KeyEpoch> missingMonths(Map<String, KeyEpoch> existing, Instant now) {
        List<KeyEpoch> missing = new ArrayList<>();
        ZonedDateTime month = now.atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        for (ZonedDateTime m : List.of(month, month.plusMonths(1))) {
            String id = m.toString().substring(0, 7);
            if (!existing.containsKey(id)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                missing.add(new KeyEpoch(id, m.toInstant(), key));
            }
        }
        return missing;
    }

    @Override
    public void close() {
        consumer.close();
        producer.close();
    }
}
