package io.cdrpipeline.app;

import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.DeletionEmitter;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.retention.RetentionRules;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.common.errors.InterruptException;

/**
 * The key store on Kafka: key epochs, wrapped by the master key, in a compacted topic only the
 * pipeline reads. Epochs rotate monthly; this month's and next month's always exist, so an epoch
 * is created a month before any call uses it.
 *
 * <p><b>One writer.</b> Every write goes through one transactional id shared by all instances
 * ({@code <application.id>-key-writer}): a writer first fences whoever wrote before it (its open
 * transaction is aborted), reads the topic to its end, and writes only what is still missing or
 * due. No instance ever uses a key it generated until it has read it back from the topic, so two
 * instances always hold the same epochs — however they race (issue 21: two instances each created
 * the new month with their own random bytes).
 *
 * <p><b>Two deadlines per epoch.</b> The pseudonymisation key goes once every analytics record the
 * epoch could have produced is past its window (next epoch's start + the longest call + the
 * analytics window + a sweep); the token key — which erasure needs to find a subject's billing
 * records — is then kept under {@code <id>#tokens} until the longest billing window (overrides
 * included) has closed too, and destroyed on its own deadline. Each destruction is a tombstone and
 * a {@code KEY_DESTROYED} receipt, in one transaction.
 */
public final class KeyService implements AutoCloseable {

    /** How long the key writer waits for the cluster before a send fails. */
    private static final Duration WRITER_BOUND = Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(KeyService.class);
    /** The key of an epoch's token-key record. */
    private static final String TOKENS = "#tokens";
    /** How long one call waits for the topic to show what it (or another instance) wrote. */
    private static final Duration CONVERGE = Duration.ofSeconds(30);
    /** How long a commit takes to become visible to a read_committed reader, at most, before writing again. */
    private static final Duration APPLIED = Duration.ofSeconds(2);

    /** The master key as configured; {@link #vault} adds the root once a {@code #root} record was read. */
    private final KeyVault masterVault;
    private volatile KeyVault vault;
    private final RetentionPolicy policy;
    private final String topic;
    private final String auditTopic;
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, byte[]> keepAlives;
    private final Map<String, Object> writerSettings;
    private final TopicPartition partition;
    /** What the topic says: epochs with their pseudonymisation key, and token-key records, by epoch id. */
    private final Map<String, KeyEpoch> epochKeys = new TreeMap<>();
    private final Map<String, KeyEpoch> tokenKeys = new TreeMap<>();
    private KeyRing ring;
    /** Key records past their destruction deadline and still on the topic, as of the last maintenance. */
    private volatile int overdue;

    public KeyService(PipelineConfig config, KeyVault vault, RetentionPolicy policy) {
        this.masterVault = vault;
        this.vault = vault;
        this.policy = policy;
        this.topic = config.topic(OwnedTopic.PSEUDONYM_KEYS);
        this.auditTopic = config.topic(OwnedTopic.AUDIT);
        this.consumer = new KafkaConsumer<>(KafkaClients.consumer(config), new StringDeserializer(), new StringDeserializer());
        this.keepAlives = new KafkaProducer<>(KafkaClients.producer(config), new StringSerializer(), new ByteArraySerializer());
        // A writer fenced mid-transaction learns it from a request that then fails: bounded by 10 s (requests
        // 5 s), not by startup.timeout.
        this.writerSettings = KafkaClients.producer(config, WRITER_BOUND);
        writerSettings.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.applicationId() + "-key-writer");
        this.partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    /** Reads every epoch, makes sure this month's and next month's exist, and returns the ring as read back. */
    public KeyRing load(Instant now) throws ExecutionException, InterruptedException {
        readToEnd();
        write(now);
        overdue = plan(now).tombstones().size();
        if (ring == null) {
            throw new IllegalStateException("no key epoch on " + topic + " after creating this month's");
        }
        return ring;
    }

    /**
     * Reads the topic and names the keys (epoch ids, {@code <id>#tokens}) past their destruction
     * deadline that are still on it — writing nothing: what {@code audit verify} asks.
     */
    public List<String> overdue(Instant now) {
        readToEnd();
        return plan(now).tombstones();
    }

    /**
     * Pseudonymisation and token keys whose destruction deadline (plus a sweep) had passed and that
     * were still on the topic after the last maintenance round: 0 while shredding keeps up.
     */
    public int overdueKeys() {
        return overdue;
    }

    /** The vault as the topic completes it: the configured master key with the deployment's root. */
    public KeyVault vault() {
        return vault;
    }

    /**
     * Rotates the master key: as the one writer (fencing a running instance's writer), re-wraps every
     * epoch and token key record under {@code newMasterKey} and writes the root under it as
     * {@code #root}, in one transaction; returns how many key records were re-wrapped. Instances still
     * holding the old master key can no longer read the topic (their key maintenance fails, logged,
     * and they keep their keys in memory) until they restart with the new one.
     */
    public int rotateMasterKey(byte[] newMasterKey) {
        KeyVault next = vault.rotatedTo(newMasterKey);
        try (KafkaProducer<String, byte[]> writer = new KafkaProducer<>(writerSettings, new StringSerializer(),
                new ByteArraySerializer())) {
            writer.initTransactions();
            readToEnd();
            writer.beginTransaction();
            for (KeyEpoch e : epochKeys.values()) {
                writer.send(new ProducerRecord<>(topic, e.id(), next.wrap(e).getBytes(StandardCharsets.UTF_8)));
            }
            for (KeyEpoch e : tokenKeys.values()) {
                writer.send(new ProducerRecord<>(topic, e.id() + TOKENS, next.wrapTokenKey(e).getBytes(StandardCharsets.UTF_8)));
            }
            writer.send(new ProducerRecord<>(topic, KeyVault.ROOT_RECORD, next.wrapRoot().getBytes(StandardCharsets.UTF_8)));
            writer.commitTransaction();
            return epochKeys.size() + tokenKeys.size();
        }
    }

    /** The ring, as last read back from the topic. */
    public KeyRing ring() {
        return ring;
    }

    /** Applies what other instances wrote, creates missing months, shreds what is due at {@code now}. */
    public List<String> maintain(Instant now) throws ExecutionException, InterruptedException {
        readToEnd();
        List<String> destroyed;
        try {
            destroyed = write(now);
        } finally {
            // What a failed round left due stays visible (cdr_key_epochs_overdue) until a round succeeds.
            overdue = plan(now).tombstones().size();
        }
        // The key topic is written about once a month: without an append its active segment, which
        // still holds a destroyed key, would never roll nor be compacted (KeepAlive).
        keepAlives.send(new ProducerRecord<>(topic, KeepAlive.key(0, 1), null)).get();
        return destroyed;
    }

    /** What is missing or due at {@code now}, for one writer to do. */
    private record Plan(List<KeyEpoch> create, List<String> tombstones, List<KeyEpoch> keepTokens) {

        boolean isEmpty() {
            return create.isEmpty() && tombstones.isEmpty() && keepTokens.isEmpty();
        }
    }

    private Plan plan(Instant now) {
        List<KeyEpoch> create = new ArrayList<>();
        ZonedDateTime month = now.atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate().atStartOfDay(ZoneOffset.UTC);
        for (ZonedDateTime m : List.of(month, month.plusMonths(1))) {
            String id = m.toString().substring(0, 7);
            if (!epochKeys.containsKey(id) && !tokenKeys.containsKey(id)) {
                byte[] key = new byte[32];
                new SecureRandom().nextBytes(key);
                create.add(new KeyEpoch(id, m.toInstant(), key));
            }
        }
        List<String> tombstones = new ArrayList<>();
        List<KeyEpoch> keepTokens = new ArrayList<>();
        List<KeyEpoch> epochs = effective();
        Duration tokenWindow = tokenWindow();
        for (int i = 0; i + 1 < epochs.size(); i++) {
            KeyEpoch e = epochs.get(i);
            Instant next = epochs.get(i + 1).notBefore();
            boolean pseudonymsDue = due(RetentionRules.keyEpochCloses(next, policy.window(DataClass.ANALYTICS)), now);
            boolean tokensDue = due(RetentionRules.keyEpochCloses(next, tokenWindow), now);
            if (epochKeys.containsKey(e.id()) && pseudonymsDue) {
                if (!tokensDue && !tokenKeys.containsKey(e.id())) {
                    keepTokens.add(e);
                }
                tombstones.add(e.id());
            }
            if (tokensDue && tokenKeys.containsKey(e.id())) {
                tombstones.add(e.id() + TOKENS);
            }
        }
        return new Plan(create, tombstones, keepTokens);
    }

    /** How long after an epoch's end its subject tokens are needed: until every record of it, billing or analytics, is gone. */
    private Duration tokenWindow() {
        Duration analytics = policy.window(DataClass.ANALYTICS);
        return analytics.compareTo(policy.longestBillingWindow()) > 0 ? analytics : policy.longestBillingWindow();
    }

    private boolean due(Instant closes, Instant now) {
        return RetentionRules.keyEpochDue(closes, policy.sweepInterval(), now);
    }

    /**
     * Does what {@link #plan} finds, as the one writer, until the topic shows nothing missing or due:
     * fences the previous writer, reads what it committed, plans again and writes in one transaction,
     * then reads until its own commit is visible (a commit's markers reach the partition just after
     * {@code commitTransaction} returns). Fenced meanwhile by another instance: nothing of ours is
     * used; what the other writes is adopted when read. Returns what this instance destroyed.
     */
    private List<String> write(Instant now) {
        List<String> destroyed = new ArrayList<>();
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        while (!plan(now).isEmpty() && System.nanoTime() < deadline) {
            // Instances tick on the same interval: a random pause lets one of two that met here write
            // while the other reads it, rather than both fencing each other.
            pause(ThreadLocalRandom.current().nextInt(0, 300));
            readToEnd();
            if (plan(now).isEmpty()) {
                break;
            }
            destroyed.addAll(writeOnce(now));
            long visible = System.nanoTime() + APPLIED.toNanos();
            while (!plan(now).isEmpty() && System.nanoTime() < visible) {
                pause(50);
                readToEnd();
            }
        }
        destroyed.forEach(id -> LOG.info("destroyed key {} of epoch {}", id.endsWith(TOKENS) ? "tokens" : "pseudonyms",
                id.replace(TOKENS, "")));
        return destroyed;
    }

    private List<String> writeOnce(Instant now) {
        try (KafkaProducer<String, byte[]> writer = new KafkaProducer<>(writerSettings, new StringSerializer(),
                new ByteArraySerializer())) {
            writer.initTransactions();
            readToEnd();
            Plan plan = plan(now);
            if (plan.isEmpty()) {
                return List.of();
            }
            writer.beginTransaction();
            send(writer, plan, now);
            writer.commitTransaction();
            plan.create().forEach(e -> LOG.info("created key epoch {}", e.id()));
            return plan.tombstones();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            LOG.info("another instance is writing key epochs; adopting what it writes");
        } catch (KafkaException e) {
            LOG.warn("key epochs not written this time ({}); tried again", e.getClass().getSimpleName());
        }
        return List.of();
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    private void send(KafkaProducer<String, byte[]> writer, Plan plan, Instant now) {
        for (KeyEpoch e : plan.create()) {
            writer.send(new ProducerRecord<>(topic, e.id(), vault.wrap(e).getBytes(StandardCharsets.UTF_8)));
        }
        // The token key goes on before the epoch's pseudonymisation key is tombstoned, in the same transaction.
        for (KeyEpoch e : plan.keepTokens()) {
            writer.send(new ProducerRecord<>(topic, e.id() + TOKENS, vault.wrapTokenKey(e).getBytes(StandardCharsets.UTF_8)));
        }
        DeletionEmitter deletions = new DeletionEmitter(vault.auditKey(), policy, null);
        DeletionEmitter.Sink sink = new DeletionEmitter.Sink() {
            @Override
            public void tombstone(DataClass kind, String keyTopic, String key, long at) {
                writer.send(new ProducerRecord<>(keyTopic, key, null));
            }

            @Override
            public void receipt(String keyHash, AuditReceipt receipt, long at) {
                writer.send(new ProducerRecord<>(auditTopic, keyHash, Topics.auditSerde().encode(receipt)));
            }
        };
        for (String key : plan.tombstones()) {
            deletions.delete(sink, DataClass.KEY, topic, key, DeletionReason.KEY_DESTROYED, deadline(key).toEpochMilli(), 0,
                    now.toEpochMilli());
        }
        deletions.flush(sink, now.toEpochMilli());
    }

    /** When the key under {@code recordKey} was due to go. */
    private Instant deadline(String recordKey) {
        String id = recordKey.replace(TOKENS, "");
        List<KeyEpoch> epochs = effective();
        for (int i = 0; i + 1 < epochs.size(); i++) {
            if (epochs.get(i).id().equals(id)) {
                Duration window = recordKey.endsWith(TOKENS) ? tokenWindow() : policy.window(DataClass.ANALYTICS);
                return RetentionRules.keyEpochCloses(epochs.get(i + 1).notBefore(), window);
            }
        }
        return Instant.EPOCH;
    }

    /**
     * Reads the topic (committed records only) to its end, and makes the ring what it says. Only each
     * key's latest value is unwrapped: before compaction the log still holds values a rotation
     * re-wrapped, under the previous master key.
     */
    private void readToEnd() {
        Map<String, String> latest = new LinkedHashMap<>();
        TopicReader.readToEnd(consumer, List.of(partition), r -> {
            if (r.key() != null && !KeepAlive.isKeepAlive(r.key())) {
                latest.put(r.key(), r.value());
            }
        });
        String root = latest.remove(KeyVault.ROOT_RECORD);
        if (root != null) {
            vault = masterVault.withRoot(root);
        }
        latest.forEach((key, value) -> {
            boolean tokens = key.endsWith(TOKENS);
            String id = tokens ? key.substring(0, key.length() - TOKENS.length()) : key;
            Map<String, KeyEpoch> target = tokens ? tokenKeys : epochKeys;
            if (value == null) {
                target.remove(id);
            } else {
                target.put(id, tokens ? vault.unwrapTokenKey(id, value) : vault.unwrap(id, value));
            }
        });
        List<KeyEpoch> now = effective();
        if (ring == null) {
            if (!now.isEmpty()) {
                ring = new KeyRing(now);
            }
            return;
        }
        for (KeyEpoch e : now) {
            if (!e.equals(ring.epoch(e.id()))) {
                ring.add(e);
            }
        }
        TreeSet<String> kept = new TreeSet<>();
        now.forEach(e -> kept.add(e.id()));
        ring.epochs().stream().map(KeyEpoch::id).filter(id -> !kept.contains(id)).toList().forEach(ring::destroy);
    }

    /** Every epoch that can still tokenise, with its pseudonymisation key where that still exists, oldest first. */
    private List<KeyEpoch> effective() {
        Map<String, KeyEpoch> all = new TreeMap<>(tokenKeys);
        all.putAll(epochKeys);
        return all.values().stream().sorted(Comparator.comparing(KeyEpoch::notBefore)).toList();
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Closes within {@code timeout}: a dead cluster does not hold the process. */
    public void close(Duration timeout) {
        Duration half = timeout.dividedBy(2);
        consumer.close(CloseOptions.timeout(half));
        keepAlives.close(half);
    }
}
