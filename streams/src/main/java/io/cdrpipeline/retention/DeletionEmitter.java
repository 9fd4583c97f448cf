package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import java.time.Instant;

/**
 * Every deletion the pipeline makes, in one form: a tombstone for the record's key and a
 * receipt on the audit topic — the sweeps' deletions and a destroyed key epoch alike. The
 * receipt names the record only by a keyed hash (a bare digest of a record id would let anyone
 * holding record ids link receipts to them) and its times only to the sweep step (the exact
 * window close would tell the call's end to anyone reading the audit).
 */
public final class DeletionEmitter {

    /** Where a deletion goes: a stream processor forwards it, the key service sends it. */
    public interface Sink {
        void tombstone(DataClass kind, String topic, String key, long now);

        void receipt(String keyHash, AuditReceipt receipt, long now);
    }

    private final AuditKey auditKey;
    private final RetentionPolicy policy;
    private final RetentionMetrics metrics;

    /** {@code metrics} may be null where deletions are not counted as sweeps' (key epochs). */
    public DeletionEmitter(AuditKey auditKey, RetentionPolicy policy, RetentionMetrics metrics) {
        this.auditKey = auditKey.copy();
        this.policy = policy;
        this.metrics = metrics;
    }

    /**
     * Deletes {@code key} of {@code topic}: due by {@code deadline}, for {@code reason}, done at
     * {@code now}; {@code arrival} tells a record that reached the pipeline after its window had
     * closed (its lateness then says nothing about the pipeline).
     */
    public void delete(Sink sink, DataClass kind, String topic, String key, DeletionReason reason, long deadline,
            long arrival, long now) {
        String hash = auditKey.hash(topic, key);
        sink.tombstone(kind, topic, key, now);
        // Every field set here (caseReference stays null): setters, without the builder's per-field checks.
        AuditReceipt receipt = new AuditReceipt();
        receipt.setKeyHash(hash);
        receipt.setTopic(topic);
        receipt.setDataClass(kind);
        receipt.setCount(1);
        receipt.setPolicyVersion(policy.version());
        receipt.setReason(reason);
        receipt.setWindowClose(Instant.ofEpochMilli(coarse(deadline)));
        receipt.setEmittedAt(Instant.ofEpochMilli(coarse(now)));
        receipt.setArrivedAfterClose(arrival > deadline);
        sink.receipt(hash, receipt, now);
        if (metrics != null) {
            metrics.recordDeleted(kind, now - Math.max(deadline, arrival));
        }
    }

    private long coarse(long millis) {
        long step = Math.max(1, policy.sweepInterval().toMillis());
        return millis - Math.floorMod(millis, step);
    }
}
