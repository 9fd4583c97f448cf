package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Where data is deleted. Every billing record (and the analytics record made from it) gets an
 * expiry-index entry at call end + its window. A wall-clock punctuator — a legal deadline does
 * not wait for new traffic — sweeps the index from the oldest entry up to now, emits a tombstone
 * for each expired key plus a deletion receipt, and removes the index entry and the record's
 * dedupe entry, so their changelogs get tombstones too. Each sweep handles at most
 * {@code sweep-max-records} entries, which keeps a backlog from blowing the exactly-once
 * transaction timeout; the next sweep continues where this one stopped. When the policy version
 * changes, entries are re-dated in the same bounded steps before sweeping.
 */
public final class RetentionProcessor implements Processor<String, BillingRecord, String, RetentionEvent> {

    public static final String META_STORE = "retention-meta";
    private static final String POLICY_VERSION = "policy-version";
    private static final String REINDEX_CURSOR = "reindex-cursor";

    private final RetentionPolicy policy;
    private final Supplier<Pseudonymizer> pseudonymizers;
    private final RetentionMetrics metrics;
    private final String billingTopic;
    private final String analyticsTopic;
    private final String dedupeStore;
    private ProcessorContext<String, RetentionEvent> context;
    private ExpiryIndex index;
    private KeyValueStore<String, byte[]> meta;
    private WindowStore<String, Long> dedupe;
    private Pseudonymizer pseudonymizer;
    private MessageDigest sha256;

    public RetentionProcessor(RetentionPolicy policy, Supplier<Pseudonymizer> pseudonymizers, RetentionMetrics metrics,
            String billingTopic, String analyticsTopic, String dedupeStore) {
        this.policy = policy;
        this.pseudonymizers = pseudonymizers;
        this.metrics = metrics;
        this.billingTopic = billingTopic;
        this.analyticsTopic = analyticsTopic;
        this.dedupeStore = dedupeStore;
    }

    @Override
    public void init(ProcessorContext<String, RetentionEvent> context) {
        this.context = context;
        this.index = new ExpiryIndex(context.getStateStore(ExpiryIndex.STORE));
        this.meta = context.getStateStore(META_STORE);
        this.dedupe = dedupeStore == null ? null : context.getStateStore(dedupeStore);
        this.pseudonymizer = pseudonymizers.get();
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        context.schedule(policy.sweepInterval(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
    }

    @Override
    public void process(Record<String, BillingRecord> record) {
        BillingRecord b = record.value();
        long end = b.getEndTime().toEpochMilli();
        index.put(new ExpiryIndex.Entry(end + policy.billingWindow(b.getSource()).toMillis(), DataClass.BILLING,
                record.key(), end, record.timestamp(), policy.version(), false, b.getSource(), b.getAccount()));
        index.put(new ExpiryIndex.Entry(end + policy.window(DataClass.ANALYTICS).toMillis(), DataClass.ANALYTICS,
                pseudonymizer.pseudoRecordId(b), end, record.timestamp(), policy.version(), false, b.getSource(), null));
    }

    /** One sweep at wall-clock time {@code now}: re-date entries of an older policy first, then delete what is due. */
    void sweep(long now) {
        int budget = policy.sweepMaxRecords();
        budget -= reindexStep(budget);
        if (budget <= 0) {
            return;
        }
        List<ExpiryIndex.Entry> due = index.due(now, budget);
        for (ExpiryIndex.Entry e : due) {
            delete(e, e.policyChange() ? DeletionReason.POLICY_CHANGE : DeletionReason.WINDOW_CLOSED, now);
        }
        metrics.recordSweep(due.size(), index.approximateSize());
    }

    private void delete(ExpiryIndex.Entry e, DeletionReason reason, long now) {
        String topic = e.dataClass() == DataClass.BILLING ? billingTopic : analyticsTopic;
        context.forward(new Record<>(e.key(), RetentionEvent.tombstone(e.dataClass()), now));
        context.forward(new Record<>(keyHash(topic, e.key()), RetentionEvent.receipt(AuditReceipt.newBuilder()
                .setKeyHash(keyHash(topic, e.key())).setTopic(topic).setDataClass(e.dataClass()).setCount(1)
                .setPolicyVersion(policy.version()).setReason(reason)
                .setWindowClose(Instant.ofEpochMilli(windowClose(e)))
                .setEmittedAt(Instant.ofEpochMilli(now)).build()), now));
        index.delete(e);
        if (e.dataClass() == DataClass.BILLING && dedupe != null) {
            // A null put deletes the dedupe entry for this record id (and logs a changelog tombstone).
            dedupe.put(e.key(), null, e.arrival());
        }
        metrics.recordDeleted(e.dataClass(), now - windowClose(e));
    }

    /**
     * Re-dates entries written under an older policy version, scanning at most {@code budget}
     * entries; returns how many it re-dated (the sweep's budget pays only for real work).
     */
    private int reindexStep(int budget) {
        byte[] stored = meta.get(POLICY_VERSION);
        if (stored != null && Integer.parseInt(new String(stored, StandardCharsets.UTF_8)) == policy.version()) {
            return 0;
        }
        byte[] cursor = meta.get(REINDEX_CURSOR);
        List<ExpiryIndex.Entry> batch = index.scan(cursor == null ? null : Bytes.wrap(cursor), budget);
        int moved = 0;
        for (ExpiryIndex.Entry e : batch) {
            if (e.policyVersion() == policy.version()) {
                continue;
            }
            moved++;
            long expiry = e.callEnd() + window(e).toMillis();
            index.delete(e);
            index.put(new ExpiryIndex.Entry(expiry, e.dataClass(), e.key(), e.callEnd(), e.arrival(), policy.version(),
                    expiry < e.expiry(), e.source(), e.account()));
        }
        if (batch.size() < budget) {
            meta.put(POLICY_VERSION, Integer.toString(policy.version()).getBytes(StandardCharsets.UTF_8));
            meta.delete(REINDEX_CURSOR);
        } else {
            ExpiryIndex.Entry last = batch.get(batch.size() - 1);
            meta.put(REINDEX_CURSOR, ExpiryIndex.key(last.expiry(), last.dataClass(), last.key()).get());
        }
        return moved;
    }

    private java.time.Duration window(ExpiryIndex.Entry e) {
        return e.dataClass() == DataClass.BILLING ? policy.billingWindow(e.source()) : policy.window(e.dataClass());
    }

    private long windowClose(ExpiryIndex.Entry e) {
        return e.callEnd() + window(e).toMillis();
    }

    private String keyHash(String topic, String key) {
        sha256.reset();
        sha256.update(topic.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        return HexFormat.of().formatHex(sha256.digest(key.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }
}
