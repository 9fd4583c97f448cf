package io.cdrpipeline.audit;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.schema.AuditCheckpoint;
import io.cdrpipeline.serde.AvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Appends every committed receipt of {@code cdr.audit}, partition by partition in offset order, to
 * a Merkle tree, and signs a checkpoint of each tree that grew at most once per {@code interval}
 * onto {@code cdr.audit-checkpoints}. It carries on from the newest checkpoint on that topic (its
 * frontier and next offset), whoever wrote it: every instance may run one — they compute the same
 * trees from the same receipts, so a checkpoint written twice is written the same. A tree whose
 * next receipts have aged out of the topic (the signer was down longer than the audit window)
 * starts again at the topic's first offset, with its own first-offset. Not thread-safe: one caller.
 */
public final class AuditCheckpointer implements AutoCloseable {

    private static final AvroSerde<AuditCheckpoint> SERDE = new AvroSerde<>(AuditCheckpoint.class,
            AuditCheckpoint.getClassSchema());

    /** One partition's tree: where it reads next, and what it signed last. */
    private static final class Tree {
        MerkleTree tree;
        long firstOffset;
        long nextOffset;
        long signedSize = -1;
        Instant signedAt = Instant.EPOCH;
    }

    private final String applicationId;
    private final String auditTopic;
    private final String checkpointTopic;
    private final NoteSigner signer;
    private final Duration interval;
    private final KafkaConsumer<byte[], byte[]> audit;
    private final KafkaConsumer<byte[], byte[]> checkpoints;
    private final KafkaProducer<String, byte[]> producer;
    private final Map<Integer, Tree> trees = new HashMap<>();
    private final Map<Integer, Checkpoint> newest = new HashMap<>();
    private final Map<Integer, List<byte[]>> newestFrontier = new HashMap<>();
    private final NoteSigner.Verifier verifier;
    private List<TopicPartition> auditPartitions;
    private boolean assigned;

    public AuditCheckpointer(PipelineConfig config, NoteSigner signer, Duration interval) {
        this.applicationId = config.applicationId();
        this.auditTopic = config.topic(OwnedTopic.AUDIT);
        this.checkpointTopic = config.topic(OwnedTopic.AUDIT_CHECKPOINTS);
        this.signer = signer;
        this.interval = interval;
        this.verifier = NoteSigner.Verifier.parse(signer.verifierKey());
        this.audit = new KafkaConsumer<>(KafkaClients.consumer(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.checkpoints = new KafkaConsumer<>(KafkaClients.consumer(config), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(KafkaClients.producer(config), new StringSerializer(), new ByteArraySerializer());
    }

    /** Reads what is new, signs what is due at {@code now}; returns the number of checkpoints written. */
    public int run(Instant now) throws Exception {
        if (!assigned) {
            List<TopicPartition> cps = partitions(checkpoints, checkpointTopic);
            checkpoints.assign(cps);
            checkpoints.seekToBeginning(cps);
            auditPartitions = partitions(audit, auditTopic);
            assigned = true;
        }
        readCheckpoints();
        int written = 0;
        List<TopicPartition> parts = auditPartitions;
        Map<TopicPartition, Long> starts = audit.beginningOffsets(parts);
        for (TopicPartition tp : parts) {
            Tree t = tree(tp, starts.get(tp));
            readReceipts(tp, t);
            boolean grew = t.tree.size() > t.signedSize;
            if (grew && !now.isBefore(t.signedAt.plus(interval))) {
                sign(tp.partition(), t, now);
                written++;
            }
        }
        producer.flush();
        return written;
    }

    /** The partition's tree: from the newest checkpoint when its receipts are still there, else from the topic's start. */
    private Tree tree(TopicPartition tp, long logStart) {
        Tree t = trees.get(tp.partition());
        Checkpoint c = newest.get(tp.partition());
        boolean adopt = c != null && c.nextOffset() >= logStart && (t == null || c.treeSize() > t.tree.size()
                && c.firstOffset() == t.firstOffset);
        if (adopt) {
            t = new Tree();
            t.tree = new MerkleTree(c.treeSize(), newestFrontier.get(tp.partition()));
            t.firstOffset = c.firstOffset();
            t.nextOffset = c.nextOffset();
            t.signedSize = c.treeSize();
            t.signedAt = c.time();
            trees.put(tp.partition(), t);
        } else if (t == null || t.nextOffset < logStart) {
            t = new Tree();
            t.tree = new MerkleTree();
            t.firstOffset = logStart;
            t.nextOffset = logStart;
            trees.put(tp.partition(), t);
        }
        return t;
    }

    private void readReceipts(TopicPartition tp, Tree t) {
        audit.assign(List.of(tp));
        audit.seek(tp, t.nextOffset);
        TopicReader.readToEnd(audit, List.of(tp), r -> t.tree.append(MerkleTree.leafData(r.key(), r.value())));
        t.nextOffset = audit.position(tp);
    }

    private void sign(int partition, Tree t, Instant now) throws Exception {
        Checkpoint c = new Checkpoint(Checkpoint.origin(applicationId, auditTopic, partition), partition, t.tree.size(),
                t.tree.root(), t.firstOffset, t.nextOffset, now);
        List<String> frontier = t.tree.frontier().stream().map(h -> Base64.getEncoder().encodeToString(h)).toList();
        AuditCheckpoint value = AuditCheckpoint.newBuilder().setNote(signer.sign(c.body())).setFrontier(frontier).build();
        producer.send(new ProducerRecord<>(checkpointTopic, partition + "|" + c.treeSize(), SERDE.encode(value))).get();
        t.tree = new MerkleTree(c.treeSize(), t.tree.frontier());
        t.signedSize = c.treeSize();
        t.signedAt = now;
    }

    private void readCheckpoints() {
        TopicReader.readToEnd(checkpoints, new ArrayList<>(checkpoints.assignment()), r -> {
            if (r.value() == null) {
                return;
            }
            try {
                AuditCheckpoint v = SERDE.decode(r.value());
                // Only what this key signed, with a frontier that hashes to the signed root, is carried on from.
                Checkpoint c = Checkpoint.parse(verifier.verify(v.getNote()));
                List<byte[]> frontier = v.getFrontier().stream().map(Base64.getDecoder()::decode).toList();
                Checkpoint held = newest.get(c.partition());
                if (c.origin().equals(Checkpoint.origin(applicationId, auditTopic, c.partition()))
                        && java.util.Arrays.equals(new MerkleTree(c.treeSize(), frontier).root(), c.root())
                        && (held == null || c.treeSize() > held.treeSize() || c.firstOffset() > held.firstOffset())) {
                    newest.put(c.partition(), c);
                    newestFrontier.put(c.partition(), frontier);
                }
            } catch (RuntimeException e) {
                // Not ours to judge here: `audit verify` names it. The tree goes on from the newest good one.
            }
        });
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    @Override
    public void close() {
        audit.close(Duration.ofSeconds(2));
        checkpoints.close(Duration.ofSeconds(2));
        producer.close(Duration.ofSeconds(2));
    }
}
