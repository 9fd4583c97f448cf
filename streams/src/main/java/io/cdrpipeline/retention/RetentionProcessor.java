package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
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
 * expiry-index entry at call end + its window, and subject-index entries under its subject tokens.
 * A wall-clock punctuator — a legal deadline does not wait for new traffic — then, each sweep:
 * re-dates entries of an older policy version; carries out new erasure requests (analytics at
 * once, billing at once unless its account is on legal hold); returns entries of released holds,
 * overdue; and deletes every entry that is due, parking billing entries of held accounts. Each
 * deletion is a tombstone, a receipt, and the removal of every store entry derived from the
 * record (index, subject index, dedupe), so the changelogs get tombstones too. Work per sweep is
 * bounded by {@code sweep-max-records}, keeping a backlog inside the exactly-once transaction
 * timeout; the next sweep continues where this one stopped.
 */
public final class RetentionProcessor implements Processor<String, BillingRecord, String, RetentionEvent> {

    public static final String META_STORE = "retention-meta";
    private static final String POLICY_VERSION = "policy-version";
    private static final String REINDEX_CURSOR = "reindex-cursor";
    private static final String ERASED = "erased|";
    private static final java.time.Duration CATCH_UP = java.time.Duration.ofMillis(200);
    /** A key no record can have (record keys never start with a NUL byte). */
    private static final Bytes KEEP_ALIVE = Bytes.wrap(new byte[] {0, 'k', 'e', 'e', 'p'});

    private final RetentionPolicy policy;
    private final Supplier<Pseudonymizer> pseudonymizers;
    private final RetentionMetrics metrics;
    private final String billingTopic;
    private final String analyticsTopic;
    private final String dedupeStore;
    private final boolean withSubjects;
    private final AvroSerde<ErasureRequest> requests = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
    private ProcessorContext<String, RetentionEvent> context;
    private KeyValueStore<Bytes, byte[]> indexStore;
    private KeyValueStore<Bytes, byte[]> subjectStore;
    private KeyValueStore<Bytes, byte[]> heldStore;
    private ExpiryIndex index;
    private SubjectIndex subjectIndex;
    private HeldIndex held;
    private Subjects subjects;
    private KeyValueStore<String, byte[]> meta;
    private WindowStore<String, Long> dedupe;
    private Pseudonymizer pseudonymizer;
    private MessageDigest sha256;
    private boolean behind;

    public RetentionProcessor(RetentionPolicy policy, Supplier<Pseudonymizer> pseudonymizers, RetentionMetrics metrics,
            String billingTopic, String analyticsTopic, String dedupeStore, boolean withSubjects) {
        this.policy = policy;
        this.pseudonymizers = pseudonymizers;
        this.metrics = metrics;
        this.billingTopic = billingTopic;
        this.analyticsTopic = analyticsTopic;
        this.dedupeStore = dedupeStore;
        this.withSubjects = withSubjects;
    }

    @Override
    public void init(ProcessorContext<String, RetentionEvent> context) {
        this.context = context;
        this.indexStore = context.getStateStore(ExpiryIndex.STORE);
        this.subjectStore = context.getStateStore(SubjectIndex.STORE);
        this.heldStore = context.getStateStore(HeldIndex.STORE);
        this.index = new ExpiryIndex(indexStore);
        this.subjectIndex = new SubjectIndex(subjectStore);
        this.held = new HeldIndex(heldStore);
        this.meta = context.getStateStore(META_STORE);
        this.dedupe = dedupeStore == null ? null : context.getStateStore(dedupeStore);
        this.subjects = withSubjects
                ? new Subjects(context.getStateStore(Subjects.HOLDS_STORE), context.getStateStore(Subjects.ERASURES_STORE))
                : new Subjects(null, null);
        this.pseudonymizer = pseudonymizers.get();
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        context.schedule(policy.sweepInterval(), PunctuationType.WALL_CLOCK_TIME, this::sweep);
        // While a sweep stops at its budget, further bounded steps follow quickly, each in its own
        // transaction (commits happen between punctuations), until the backlog is drained.
        context.schedule(CATCH_UP.compareTo(policy.sweepInterval()) < 0 ? CATCH_UP : policy.sweepInterval(),
                PunctuationType.WALL_CLOCK_TIME, now -> {
                    if (behind) {
                        sweep(now);
                    }
                });
    }

    @Override
    public void process(Record<String, BillingRecord> record) {
        BillingRecord b = record.value();
        long end = b.getEndTime().toEpochMilli();
        List<String> tokens = pseudonymizer.subjectTokens(b);
        long billingExpiry = end + policy.billingWindow(b.getSource()).toMillis();
        long analyticsExpiry = end + policy.window(DataClass.ANALYTICS).toMillis();
        String pseudoId = pseudonymizer.pseudoRecordId(b);
        index.put(new ExpiryIndex.Entry(billingExpiry, DataClass.BILLING, record.key(), end, record.timestamp(),
                policy.version(), false, b.getSource(), b.getAccount(), tokens));
        if (!subjects.anyErasure() || !subjects.erased(tokens)) {
            // An erased subject stays erased: its late CDRs never reach analytics (see PseudonymizeProcessor).
            index.put(new ExpiryIndex.Entry(analyticsExpiry, DataClass.ANALYTICS, pseudoId, end, record.timestamp(),
                    policy.version(), false, b.getSource(), null, null));
        }
        for (String t : tokens) {
            subjectIndex.put(t, record.key(), billingExpiry, analyticsExpiry, pseudoId);
        }
    }

    /** One sweep at wall-clock time {@code now}. */
    void sweep(long now) {
        keepChangelogsRolling();
        int budget = policy.sweepMaxRecords();
        budget -= reindexStep(budget);
        budget -= erasureStep(budget, now);
        budget -= releaseStep(budget);
        if (budget <= 0) {
            behind = true;
            return;
        }
        List<ExpiryIndex.Entry> due = index.due(now, budget);
        behind = due.size() >= budget;
        for (ExpiryIndex.Entry e : due) {
            if (e.dataClass() == DataClass.BILLING && subjects.held(e.account())) {
                index.delete(e);
                held.park(e);
            } else {
                delete(e, e.policyChange() ? DeletionReason.POLICY_CHANGE : DeletionReason.WINDOW_CLOSED, windowClose(e), now);
            }
        }
        metrics.recordSweep(due.size(), index.approximateSize());
    }

    /**
     * Compaction never touches a log's active segment, and a segment only rolls when something is
     * appended: a quiet changelog partition would keep deleted personal data forever. Writing and
     * deleting a reserved key on every sweep appends to each changelog, so its segments roll
     * within segment.ms and the cleaner can do its work.
     */
    private void keepChangelogsRolling() {
        for (KeyValueStore<Bytes, byte[]> store : new KeyValueStore[] {indexStore, subjectStore, heldStore}) {
            store.put(KEEP_ALIVE, new byte[0]);
            store.delete(KEEP_ALIVE);
        }
        meta.put("keep-alive", new byte[0]);
        meta.delete("keep-alive");
        if (dedupe != null) {
            long now = context.currentSystemTimeMs();
            dedupe.put("\u0000keep", now, now);
            dedupe.put("\u0000keep", null, now);
        }
    }

    private void delete(ExpiryIndex.Entry e, DeletionReason reason, long deadline, long now) {
        String topic = e.dataClass() == DataClass.BILLING ? billingTopic : analyticsTopic;
        String hash = keyHash(topic, e.key());
        context.forward(new Record<>(e.key(), RetentionEvent.tombstone(e.dataClass()), now));
        context.forward(new Record<>(hash, RetentionEvent.receipt(AuditReceipt.newBuilder()
                .setKeyHash(hash).setTopic(topic).setDataClass(e.dataClass()).setCount(1)
                .setPolicyVersion(policy.version()).setReason(reason)
                .setWindowClose(Instant.ofEpochMilli(deadline)).setEmittedAt(Instant.ofEpochMilli(now))
                .setArrivedAfterClose(e.arrival() > deadline).build()), now));
        index.delete(e);
        if (e.dataClass() == DataClass.BILLING) {
            e.tokens().forEach(t -> subjectIndex.delete(t, e.key()));
            if (dedupe != null) {
                // A null put deletes the dedupe entry for this record id (and logs a changelog tombstone).
                dedupe.put(e.key(), null, e.arrival());
            }
        }
        metrics.recordDeleted(e.dataClass(), now - Math.max(deadline, e.arrival()));
    }

    /** Carries out erasure requests this task has not yet done; returns the records it touched. */
    private int erasureStep(int budget, long now) {
        int[] used = {0};
        long[] pending = {0};
        subjects.forEachErasure((token, encoded) -> {
            ErasureRequest request = requests.decode(encoded);
            byte[] done = meta.get(ERASED + token);
            if (done != null && new String(done, StandardCharsets.UTF_8).equals(request.getRequestId())) {
                return;
            }
            pending[0]++;
            if (used[0] >= budget) {
                return;
            }
            List<SubjectIndex.Hit> hits = subjectIndex.records(token, budget - used[0]);
            long requested = request.getRequestedAt().toEpochMilli();
            for (SubjectIndex.Hit h : hits) {
                ExpiryIndex.Entry a = index.get(h.analyticsExpiry(), DataClass.ANALYTICS, h.pseudoRecordId());
                if (a != null) {
                    delete(a, DeletionReason.ERASURE_REQUEST, requested, now);
                }
                ExpiryIndex.Entry b = index.get(h.billingExpiry(), DataClass.BILLING, h.recordId());
                if (b != null && !subjects.held(b.account())) {
                    delete(b, DeletionReason.ERASURE_REQUEST, requested, now);
                }
                // A held billing record stays indexed: it goes when the hold ends or its window closes, whichever is later.
            }
            used[0] += Math.max(1, hits.size());
            if (used[0] < budget) {
                meta.put(ERASED + token, request.getRequestId().getBytes(StandardCharsets.UTF_8));
                pending[0]--;
            }
        });
        metrics.recordPendingErasures(pending[0]);
        return used[0];
    }

    /** Moves parked entries of accounts whose holds have all been released back into the index, overdue. */
    private int releaseStep(int budget) {
        List<ExpiryIndex.Entry> parked = held.scan(null, budget);
        List<ExpiryIndex.Entry> released = new ArrayList<>();
        for (ExpiryIndex.Entry e : parked) {
            if (!subjects.held(e.account())) {
                released.add(e);
            }
        }
        for (ExpiryIndex.Entry e : released) {
            held.remove(e);
            index.put(e);
        }
        return released.size();
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
            index.put(e.withExpiry(expiry, policy.version(), expiry < e.expiry()));
        }
        if (batch.size() < budget) {
            meta.put(POLICY_VERSION, Integer.toString(policy.version()).getBytes(StandardCharsets.UTF_8));
            meta.delete(REINDEX_CURSOR);
        } else {
            meta.put(REINDEX_CURSOR, batch.get(batch.size() - 1).indexKey().get());
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
