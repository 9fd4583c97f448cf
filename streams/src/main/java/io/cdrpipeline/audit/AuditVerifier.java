package io.cdrpipeline.audit;

import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.schema.AuditCheckpoint;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What {@code audit verify} checks, over what it read: the receipts of each {@code cdr.audit}
 * partition (committed records, in offset order, from the partition's first offset on), the signed
 * checkpoints, and the keys still live on the topics receipts say were deleted from. Every problem
 * is named — which receipt (partition@offset) or checkpoint, and what is wrong with it:
 * <ul>
 * <li>every receipt decodes, and an aggregated receipt's count and keyed digest recompute with the
 *     audit key;</li>
 * <li>every checkpoint is signed by the operator's key, its frontier hashes to its root, and the
 *     Merkle tree recomputed from the receipts has, at each checkpoint's size, that checkpoint's root
 *     — so a receipt changed, dropped, added or moved, and any checkpoint not consistent with the one
 *     before, is found (where receipts have aged out, from the first checkpoint whose receipts are all
 *     still there);</li>
 * <li>every deletion happened within {@code max-erasure-delay} of its window close, unless it arrived after it;</li>
 * <li>no receipted key is still live on its topic (a tombstone never written, or a record written again).</li>
 * </ul>
 */
public final class AuditVerifier {

    private static final AvroSerde<AuditReceipt> RECEIPTS = new AvroSerde<>(AuditReceipt.class, AuditReceipt.getClassSchema());
    private static final AvroSerde<AuditCheckpoint> CHECKPOINTS = new AvroSerde<>(AuditCheckpoint.class,
            AuditCheckpoint.getClassSchema());

    /** A committed record of a topic: where it is, its key and value as stored. */
    public record Entry(int partition, long offset, byte[] key, byte[] value) {
        public String position() {
            return partition + "@" + offset;
        }
    }

    /** What a verification found: the problems (empty: it holds), and what it covered. */
    public record Result(List<String> problems, long receipts, long deletions, long checkpoints, long leavesChecked,
            long uncheckpointed) {
    }

    private final AuditKey auditKey;
    private final NoteSigner.Verifier verifier;
    private final Duration maxErasureDelay;
    private final String origin;
    /** The verified frontier of each checkpoint read (by identity). */
    private final Map<Checkpoint, List<byte[]>> frontiers = new java.util.IdentityHashMap<>();
    private final Map<Checkpoint, String> notes = new java.util.IdentityHashMap<>();

    /** {@code originPrefix}: {@code cdr-pipeline/<application.id>/<audit topic>/}. */
    public AuditVerifier(AuditKey auditKey, NoteSigner.Verifier verifier, Duration maxErasureDelay, String originPrefix) {
        this.auditKey = auditKey;
        this.verifier = verifier;
        this.maxErasureDelay = maxErasureDelay;
        this.origin = originPrefix;
    }

    /**
     * @param receipts every committed record of the audit topic, per partition in offset order
     * @param logStart each audit partition's first offset (what is before it has aged out)
     * @param checkpoints every record of the checkpoint topic
     * @param liveKeyHashes the audit key's hash of every key still live on the topics deletions are receipted for
     */
    public Result verify(Map<Integer, List<Entry>> receipts, Map<Integer, Long> logStart, List<Entry> checkpoints,
            Set<String> liveKeyHashes) {
        List<String> problems = new ArrayList<>();
        long decoded = 0;
        long deletions = 0;
        for (List<Entry> partition : receipts.values()) {
            for (Entry e : partition) {
                AuditReceipt r;
                try {
                    r = RECEIPTS.decode(e.value());
                } catch (RuntimeException ex) {
                    problems.add("receipt " + e.position() + " does not decode as an AuditReceipt");
                    continue;
                }
                decoded++;
                deletions += checkReceipt(e, r, liveKeyHashes, problems);
            }
        }
        Map<Integer, List<Checkpoint>> signed = checkpoints(checkpoints, problems);
        long leaves = 0;
        long uncheckpointed = 0;
        for (Map.Entry<Integer, List<Entry>> p : receipts.entrySet()) {
            long[] counts = checkTree(p.getKey(), p.getValue(), logStart.getOrDefault(p.getKey(), 0L),
                    signed.getOrDefault(p.getKey(), List.of()), problems);
            leaves += counts[0];
            uncheckpointed += counts[1];
        }
        for (Integer p : signed.keySet()) {
            if (!receipts.containsKey(p)) {
                problems.add("checkpoints of audit partition " + p + ", which does not exist");
            }
        }
        long total = signed.values().stream().mapToLong(List::size).sum();
        return new Result(problems, decoded, deletions, total, leaves, uncheckpointed);
    }

    /**
     * Every key whose tombstone is still visible on the key topic ({@code keys}: key → live) has its
     * {@code KEY_DESTROYED} receipt; names each one that has none.
     */
    public List<String> destroyedKeysWithoutReceipt(Map<Integer, List<Entry>> receipts, String keyTopic,
            Map<String, Boolean> keys) {
        Set<String> receipted = receipted(receipts, keyTopic, r -> r == DeletionReason.KEY_DESTROYED).keySet();
        List<String> problems = new ArrayList<>();
        new TreeMap<>(keys).forEach((key, live) -> {
            if (!live && !receipted.contains(auditKey.hash(keyTopic, key))) {
                problems.add("key " + key + " was destroyed on " + keyTopic + " without a KEY_DESTROYED receipt");
            }
        });
        return problems;
    }

    /**
     * The key hashes that receipts of {@code topic} for the given reasons list, each with its receipt
     * (undecodable receipts are left to {@link #verify}, which names them).
     */
    public static Map<String, Entry> receipted(Map<Integer, List<Entry>> receipts, String topic,
            java.util.function.Predicate<DeletionReason> reasons) {
        Map<String, Entry> out = new java.util.HashMap<>();
        receipts.values().forEach(list -> list.forEach(e -> {
            try {
                AuditReceipt r = RECEIPTS.decode(e.value());
                if (r.getTopic().equals(topic) && reasons.test(r.getReason())) {
                    (r.getKeyHashes().isEmpty() ? List.of(r.getKeyHash()) : r.getKeyHashes()).forEach(h -> out.put(h, e));
                }
            } catch (RuntimeException undecodable) {
                // named by verify
            }
        }));
        return out;
    }

    /** Count, digest, lateness, and that what it deleted is gone; returns the deletions it stands for. */
    private long checkReceipt(Entry e, AuditReceipt r, Set<String> live, List<String> problems) {
        List<String> hashes = r.getKeyHashes().isEmpty() ? List.of(r.getKeyHash()) : r.getKeyHashes();
        if (r.getReason() == DeletionReason.ACCESS_REQUEST) {
            return 0;
        }
        String key = e.key() == null ? null : new String(e.key(), StandardCharsets.UTF_8);
        if (!r.getKeyHashes().isEmpty()) {
            if (r.getCount() != r.getKeyHashes().size()) {
                problems.add("receipt " + e.position() + ": count " + r.getCount() + " but " + r.getKeyHashes().size()
                        + " key hashes");
            }
            String digest = auditKey.digest(r.getTopic(), r.getKeyHashes());
            if (!digest.equals(r.getKeyHash()) || key != null && !key.equals(digest)) {
                problems.add("receipt " + e.position() + ": its key hash is not the audit key's digest of its key hashes "
                        + "(changed, or written with another key)");
            }
        } else if (r.getCount() != 1) {
            problems.add("receipt " + e.position() + ": count " + r.getCount() + " for one key hash");
        }
        long late = r.getEmittedAt().toEpochMilli() - r.getWindowClose().toEpochMilli();
        if (!r.getArrivedAfterClose() && late > maxErasureDelay.toMillis()) {
            problems.add("receipt " + e.position() + ": deleted " + Duration.ofMillis(late) + " after its window closed, "
                    + "more than max-erasure-delay " + maxErasureDelay);
        }
        for (String h : hashes) {
            if (live.contains(h)) {
                problems.add("receipt " + e.position() + ": key hash " + h + " is still live on " + r.getTopic()
                        + " (its tombstone was never written, or the record was written again)");
            }
        }
        return hashes.size();
    }

    /** The checkpoints that verify, per partition, by tree (first offset) and size; names every one that does not. */
    public Map<Integer, List<Checkpoint>> checkpoints(List<Entry> records, List<String> problems) {
        Map<Integer, List<Checkpoint>> out = new TreeMap<>();
        for (Entry e : records) {
            if (e.value() == null) {
                continue;
            }
            try {
                AuditCheckpoint v = CHECKPOINTS.decode(e.value());
                Checkpoint c = Checkpoint.parse(verifier.verify(v.getNote()));
                if (!c.origin().startsWith(origin)) {
                    problems.add("checkpoint " + e.position() + ": origin " + c.origin() + " is not this pipeline's audit topic");
                    continue;
                }
                List<byte[]> frontier = v.getFrontier().stream().map(Base64.getDecoder()::decode).toList();
                if (!Arrays.equals(new MerkleTree(c.treeSize(), frontier).root(), c.root())) {
                    problems.add("checkpoint " + e.position() + " (partition " + c.partition() + ", size " + c.treeSize()
                            + "): its frontier does not hash to its signed root");
                    continue;
                }
                out.computeIfAbsent(c.partition(), p -> new ArrayList<>()).add(c);
                frontiers.put(c, frontier);
                notes.put(c, v.getNote());
            } catch (RuntimeException ex) {
                problems.add("checkpoint " + e.position() + ": " + ex.getMessage());
            }
        }
        out.values().forEach(l -> l.sort(Comparator.comparingLong(Checkpoint::firstOffset).thenComparingLong(Checkpoint::treeSize)));
        return out;
    }

    /** The signed note of a checkpoint {@link #checkpoints} verified. */
    public String noteOf(Checkpoint c) {
        return notes.get(c);
    }

    /** The frontier of a checkpoint {@link #checkpoints} verified. */
    public List<byte[]> frontierOf(Checkpoint c) {
        return frontiers.get(c);
    }

    /**
     * Recomputes one partition's trees from its receipts and compares them with its checkpoints;
     * returns {leaves checked against a checkpoint, receipts after the last checkpoint}.
     */
    private long[] checkTree(int partition, List<Entry> receipts, long logStart, List<Checkpoint> checkpoints,
            List<String> problems) {
        if (checkpoints.isEmpty()) {
            if (!receipts.isEmpty()) {
                problems.add("audit partition " + partition + ": " + receipts.size() + " receipts and no signed checkpoint");
            }
            return new long[] {0, receipts.size()};
        }
        Map<Long, List<Checkpoint>> trees = new TreeMap<>();
        checkpoints.forEach(c -> trees.computeIfAbsent(c.firstOffset(), f -> new ArrayList<>()).add(c));
        long checked = 0;
        long after = 0;
        for (Map.Entry<Long, List<Checkpoint>> tree : trees.entrySet()) {
            List<Checkpoint> cs = tree.getValue();
            // Start from the tree's beginning if its receipts are all there, else from its first checkpoint whose are.
            Checkpoint from = null;
            MerkleTree t;
            if (tree.getKey() >= logStart) {
                t = new MerkleTree();
            } else {
                from = cs.stream().filter(c -> c.nextOffset() >= logStart).findFirst().orElse(null);
                if (from == null) {
                    continue;   // every receipt of this tree has aged out: its checkpoints stand on their signatures
                }
                t = new MerkleTree(from.treeSize(), frontiers.get(from));
            }
            long start = from == null ? tree.getKey() : from.nextOffset();
            int i = 0;
            List<Entry> leaves = receipts.stream().filter(e -> e.offset() >= start).toList();
            long lastNext = start;
            for (Checkpoint c : cs) {
                if (from != null && c.treeSize() <= from.treeSize()) {
                    continue;
                }
                while (i < leaves.size() && leaves.get(i).offset() < c.nextOffset()) {
                    Entry e = leaves.get(i++);
                    t.append(MerkleTree.leafData(e.key(), e.value()));
                    checked++;
                }
                if (t.size() != c.treeSize() || !Arrays.equals(t.root(), c.root())) {
                    problems.add("audit partition " + partition + ": the receipts at offsets " + lastNext + " to "
                            + (c.nextOffset() - 1) + " do not give the root signed at size " + c.treeSize() + " (" + c.time()
                            + "): " + (t.size() != c.treeSize() ? t.size() + " receipts where " + c.treeSize()
                            + " were signed — one was dropped or added" : "a receipt was changed or moved"));
                    return new long[] {checked, 0};
                }
                lastNext = c.nextOffset();
            }
            after = leaves.size() - i;
        }
        return new long[] {checked, after};
    }
}
