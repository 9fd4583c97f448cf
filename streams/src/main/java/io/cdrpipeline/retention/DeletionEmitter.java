package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every deletion the pipeline makes, in one form: a tombstone for the record's key and a
 * receipt on the audit topic — the sweeps' deletions and a destroyed key epoch alike. The
 * receipt names the record only by a keyed hash (a bare digest of a record id would let anyone
 * holding record ids link receipts to them) and its times only to the sweep step (the exact
 * window close would tell the call's end to anyone reading the audit).
 *
 * <p>Deletions of one sweep step that share topic, reason and whether they arrived after their
 * window closed share one receipt, written by {@link #flush} before the step's transaction
 * commits: it lists every record's key hash ({@code keyHashes}, at most {@link #MAX_PER_RECEIPT})
 * and carries their keyed digest as its own key hash, so each record's deletion stays provable on
 * its own while a step of thousands writes a few receipts instead of one per record (#13). Its
 * window close is the earliest of its records', so the lateness it shows is their worst. A receipt
 * of one deletion looks as it always did. Not thread-safe: one per stream task.
 */
public final class DeletionEmitter {

    /** Key hashes per receipt: about 33 KB of hex, far below any record size limit. */
    public static final int MAX_PER_RECEIPT = 1000;

    /** Where a deletion goes: a stream processor forwards it, the key service sends it. */
    public interface Sink {
        void tombstone(DataClass kind, String topic, String key, long now);

        void receipt(String keyHash, AuditReceipt receipt, long now);
    }

    /** What the deletions sharing one receipt have in common. */
    private record Group(String topic, DataClass kind, DeletionReason reason, long emittedAt, boolean arrivedAfterClose,
            String caseReference) {
    }

    /** The key hashes of one receipt, and the earliest window close among them (its lateness is the group's worst). */
    private static final class Pending {
        final List<String> hashes = new ArrayList<>();
        long windowClose = Long.MAX_VALUE;
    }

    private final AuditKey auditKey;
    private final RetentionPolicy policy;
    private final RetentionMetrics metrics;
    private final Map<Group, Pending> pending = new LinkedHashMap<>();

    /** {@code metrics} may be null where deletions are not counted as sweeps' (key epochs). */
    public DeletionEmitter(AuditKey auditKey, RetentionPolicy policy, RetentionMetrics metrics) {
        this.auditKey = auditKey.copy();
        this.policy = policy;
        this.metrics = metrics;
    }

    /**
     * Deletes {@code key} of {@code topic}: due by {@code deadline}, for {@code reason}, done at
     * {@code now}; {@code arrival} tells a record that reached the pipeline after its window had
     * closed (its lateness then says nothing about the pipeline). The tombstone goes now, the
     * receipt with the next {@link #flush}. Returns the record's key hash (as its receipt lists it).
     */
    public String delete(Sink sink, DataClass kind, String topic, String key, DeletionReason reason, long deadline,
            long arrival, long now) {
        return delete(sink, kind, topic, key, reason, deadline, arrival, now, null);
    }

    /**
     * {@link #delete} on behalf of an erasure request with the operator's case reference (null: none):
     * its receipts carry it, so that {@code audit prove --case} finds them.
     */
    public String delete(Sink sink, DataClass kind, String topic, String key, DeletionReason reason, long deadline,
            long arrival, long now, String caseReference) {
        sink.tombstone(kind, topic, key, now);
        Group group = new Group(topic, kind, reason, coarse(now), arrival > deadline, caseReference);
        Pending p = pending.computeIfAbsent(group, g -> new Pending());
        String hash = auditKey.hash(topic, key);
        p.hashes.add(hash);
        p.windowClose = Math.min(p.windowClose, coarse(deadline));
        if (p.hashes.size() == MAX_PER_RECEIPT) {
            pending.remove(group);
            emit(sink, group, p, now);
        }
        if (metrics != null) {
            metrics.recordDeleted(kind, now - Math.max(deadline, arrival));
        }
        return hash;
    }

    /** Writes the receipts of every deletion since the last flush; call before the transaction can commit. */
    public void flush(Sink sink, long now) {
        pending.forEach((group, p) -> emit(sink, group, p, now));
        pending.clear();
    }

    /** Forgets receipts of deletions whose transaction did not complete (their tombstones were aborted too). */
    public void discardPending() {
        pending.clear();
    }

    private void emit(Sink sink, Group group, Pending p, long now) {
        List<String> hashes = p.hashes;
        boolean one = hashes.size() == 1;
        String keyHash = one ? hashes.get(0) : auditKey.digest(group.topic(), hashes);
        // Every field set here: setters, without the builder's per-field checks.
        AuditReceipt receipt = new AuditReceipt();
        receipt.setKeyHash(keyHash);
        receipt.setKeyHashes(one ? List.of() : List.copyOf(hashes));
        receipt.setTopic(group.topic());
        receipt.setDataClass(group.kind());
        receipt.setCount(hashes.size());
        receipt.setPolicyVersion(policy.version());
        receipt.setReason(group.reason());
        receipt.setWindowClose(Instant.ofEpochMilli(p.windowClose));
        receipt.setEmittedAt(Instant.ofEpochMilli(group.emittedAt()));
        receipt.setArrivedAfterClose(group.arrivedAfterClose());
        receipt.setCaseReference(group.caseReference());
        sink.receipt(keyHash, receipt, now);
    }

    private long coarse(long millis) {
        long step = Math.max(1, policy.sweepInterval().toMillis());
        return millis - Math.floorMod(millis, step);
    }
}
