package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.AuditKey;import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.state.PurgeableStores;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where data is deleted. Every unique billing record (and the analytics record made from it)
 * gets one expiry-index entry, and derived subject-index entries under its subject tokens. A
 * wall-clock punctuator — a legal deadline does not wait for new traffic — then, each sweep:
 * moves entries whose source's billing window a new policy changed; carries out new erasure
 * requests (analytics at once, billing at once unless its account is on legal hold); deletes the
 * billing records of released holds, overdue; and, per window class, advances two cursors —
 * analytics up to {@code now - analytics window}, billing up to {@code now - billing window} —
 * deleting what they pass (a parked billing record of a held account excepted). An entry goes
 * when both its records are gone. Each deletion is a tombstone and a receipt; removing the entry
 * writes the changelog's tombstone. Work per sweep is bounded by {@code sweep-max-records},
 * keeping a backlog inside the exactly-once transaction timeout; the next step continues from the
 * cursors.
 *
 * <p>A CDR arriving with a window already closed (behind a cursor) is deleted as it is written.
 */
public final class RetentionProcessor implements Processor<String, BillingRecord, String, RetentionEvent> {

    public static final String META_STORE = "retention-meta";
    private static final String POLICY_VERSION = "policy-version";
    private static final String REINDEX_CURSOR = "reindex-cursor";
    /** The policy version the re-index cursor was scanning for: a cursor of another version is void. */
    private static final String REINDEX_FOR = "reindex-for";
    private static final String ANALYTICS_WINDOW = "analytics-window";
    private static final String CURSOR = "cursor|";
    private static final String SUBJECT_GENERATION = "subject-index-generation";
    private static final String ERASED = "erased|";
    private static final Duration CATCH_UP = Duration.ofMillis(200);
    /** Subject-index keys cleared or written per sweep step while it is rebuilt. */
    private static final int REBUILD_STEP = 50_000;
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64URL_DECODER = Base64.getUrlDecoder();
    /** A key no entry can have (entry keys are at least 16 bytes long). */
    private int rawPartitions;
    private final AuditKey auditKey;
    private static final Bytes KEEP_ALIVE = Bytes.wrap(new byte[] {0, 'k', 'e', 'e', 'p'});

    private final RetentionPolicy policy;
    private final Supplier<Pseudonymizer> pseudonymizers;
    private final RetentionMetrics metrics;
    private final String billingTopic;
    private final String analyticsTopic;
    private final boolean withSubjects;
    private final AvroSerde<ErasureRequest> requests = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
    private final Map<Long, Bytes> analyticsCursors = new HashMap<>();
    private final Map<Long, Bytes> billingCursors = new HashMap<>();
    private ProcessorContext<String, RetentionEvent> context;
    private KeyValueStore<Bytes, byte[]> indexStore;
    private KeyValueStore<Bytes, byte[]> heldStore;
    private ExpiryIndex index;
    private SubjectIndex subjectIndex;
    private HeldIndex held;
    private Subjects subjects;
    private KeyValueStore<String, byte[]> meta;
    private Pseudonymizer pseudonymizer;
    private boolean ready;
    /**
     * The subject index is being rebuilt (a new or stale state directory), in bounded steps — one per
     * sweep, each in its own transaction, so that no transaction outlives its timeout however large the
     * expiry index; erasure requests wait until it is done. {@link #clearing}: still emptying it first.
     */
    private boolean rebuilding;
    private boolean clearing;
    private Bytes rebuildCursor;
    private byte[] rebuildGeneration;
    private boolean behind;
    private final PurgeableStores local;
    private long lastPurge;

    public RetentionProcessor(RetentionPolicy policy, Supplier<Pseudonymizer> pseudonymizers, RetentionMetrics metrics,
            String billingTopic, String analyticsTopic, boolean withSubjects, AuditKey auditKey, PurgeableStores local) {
        this.auditKey = auditKey.copy();
        this.local = local;
        this.policy = policy;
        this.pseudonymizers = pseudonymizers;
        this.metrics = metrics;
        this.billingTopic = billingTopic;
        this.analyticsTopic = analyticsTopic;
        this.withSubjects = withSubjects;
    }

    @Override
    public void init(ProcessorContext<String, RetentionEvent> context) {
        this.context = context;
        this.indexStore = context.getStateStore(ExpiryIndex.STORE);
        this.heldStore = context.getStateStore(HeldIndex.STORE);
        this.index = new ExpiryIndex(indexStore);
        this.subjectIndex = new SubjectIndex(context.getStateStore(SubjectIndex.STORE));
        this.held = new HeldIndex(heldStore);
        this.meta = context.getStateStore(META_STORE);
        this.subjects = withSubjects
                ? new Subjects(context.getStateStore(Subjects.HOLDS_STORE), context.getStateStore(Subjects.ERASURES_STORE))
                : new Subjects(null, null);
        this.pseudonymizer = pseudonymizers.get();
        Object n = context.appConfigs().get(KeepAlive.RAW_PARTITIONS_CONFIG);
        this.rawPartitions = n == null ? 0 : Integer.parseInt(n.toString());
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
        ensureReady();
        BillingRecord b = record.value();
        List<String> tokenStrings = pseudonymizer.subjectTokens(b);
        List<byte[]> tokens = new ArrayList<>(tokenStrings.size());
        tokenStrings.forEach(t -> tokens.add(BASE64URL_DECODER.decode(t)));
        // An erased subject stays erased: its late CDRs never reach analytics (see PseudonymizeProcessor).
        boolean analyticsWritten = !subjects.anyErasure() || !subjects.erased(tokenStrings);
        ExpiryIndex.Entry e = new ExpiryIndex.Entry(policy.billingWindow(b.getSource()).toMillis(),
                b.getEndTime().toEpochMilli(), record.key(), analyticsWritten ? 0 : ExpiryIndex.ANALYTICS_DONE,
                record.timestamp(), BASE64URL_DECODER.decode(pseudonymizer.pseudoRecordId(b)), b.getAccount(), tokens);
        long now = context.currentSystemTimeMs();
        // Arrived with a window already closed and passed by its cursor: delete it as it is written.
        if (!e.has(ExpiryIndex.ANALYTICS_DONE) && behind(DataClass.ANALYTICS, e)) {
            deleteAnalytics(e, DeletionReason.WINDOW_CLOSED, e.callEnd() + analyticsWindow(), now);
            e = e.with(ExpiryIndex.ANALYTICS_DONE);
        }
        if (behind(DataClass.BILLING, e)) {
            if (subjects.held(e.account())) {
                held.park(e.account(), e.key());
                e = e.with(ExpiryIndex.PARKED);
            } else {
                deleteBilling(e, DeletionReason.WINDOW_CLOSED, e.callEnd() + e.window(), now);
                e = e.with(ExpiryIndex.BILLING_DONE);
            }
        }
        if (e.has(ExpiryIndex.ANALYTICS_DONE) && e.has(ExpiryIndex.BILLING_DONE)) {
            return;
        }
        index.put(e);
        subjectIndex.add(e);
    }

    /** One sweep at wall-clock time {@code now}. */
    void sweep(long now) {
        ensureReady();
        keepChangelogsRolling(now);
        int budget = policy.sweepMaxRecords();
        if (rebuilding) {
            // Its own budget: local writes only (no changelog), a few tens of milliseconds a step.
            rebuildSubjectsStep(REBUILD_STEP);
        }
        int used = reindexStep(budget, now);
        if (!rebuilding) {
            used += erasureStep(budget - used, now);
        }
        used += releaseStep(budget - used, now);
        // While a re-index is under way, entries not yet moved still sit in their old window's class:
        // advancing that class's cursor would delete them by a window the policy no longer has.
        boolean reindexing = meta.get(REINDEX_FOR) != null;
        for (long w = index.nextWindow(-1); !reindexing && w >= 0 && used < budget; w = index.nextWindow(w)) {
            used += advance(w, DataClass.ANALYTICS, now - analyticsWindow(), budget - used, now);
            if (used < budget) {
                used += advance(w, DataClass.BILLING, now - w, budget - used, now);
            }
        }
        behind = used >= budget || reindexing || rebuilding;
        byte[] sweptWith = meta.get(ANALYTICS_WINDOW);
        if (!behind && (sweptWith == null || Long.parseLong(new String(sweptWith, StandardCharsets.UTF_8)) != analyticsWindow())) {
            meta.put(ANALYTICS_WINDOW, Long.toString(analyticsWindow()).getBytes(StandardCharsets.UTF_8));
        }
        metrics.recordSweep(used, index.approximateSize());
        purgeLocalStores(now);
    }

    /**
     * What the sweeps deleted from this task's stores leaves their files once per physical step
     * (see {@link io.cdrpipeline.state.PurgeableStore}): the state directory keeps no deleted key
     * longer than the topics do. A purge compacts only the range deleted in.
     */
    private void purgeLocalStores(long now) {
        if (now - lastPurge >= policy.physicalStep().toMillis()) {
            local.purge(context.taskId());
            lastPurge = now;
        }
    }

    /**
     * Moves the cursor of one deletion in one window class up to call end {@code target},
     * deleting the records it passes; returns the entries it visited (at most {@code max}).
     */
    private int advance(long window, DataClass kind, long target, int max, long now) {
        Bytes cursor = cursor(kind, window);
        Bytes to = ExpiryIndex.bound(window, target);
        if (cursor != null && ExpiryIndex.compare(cursor, to) >= 0) {
            return 0;
        }
        List<ExpiryIndex.Entry> due = index.range(cursor == null ? ExpiryIndex.start(window) : cursor, to, max);
        long previousAnalyticsWindow = previousAnalyticsWindow();
        for (ExpiryIndex.Entry e : due) {
            if (kind == DataClass.ANALYTICS) {
                if (!e.has(ExpiryIndex.ANALYTICS_DONE)) {
                    long close = e.callEnd() + analyticsWindow();
                    deleteAnalytics(e, e.callEnd() + previousAnalyticsWindow > now
                            ? DeletionReason.POLICY_CHANGE : DeletionReason.WINDOW_CLOSED, close, now);
                }
                setCursor(kind, window, e.key());
                if (billingDone(e)) {
                    remove(e);
                }
            } else {
                setCursor(kind, window, e.key());
                if (e.has(ExpiryIndex.BILLING_DONE) || e.has(ExpiryIndex.PARKED)) {
                    continue;
                }
                if (subjects.held(e.account())) {
                    held.park(e.account(), e.key());
                    index.put(e.with(ExpiryIndex.PARKED));
                    continue;
                }
                deleteBilling(e, DeletionReason.WINDOW_CLOSED, e.callEnd() + window, now);
                if (analyticsDone(e)) {
                    remove(e);
                }
            }
        }
        if (due.size() < max) {
            setCursor(kind, window, to);
        }
        saveCursor(kind, window);
        return due.size();
    }

    private boolean analyticsDone(ExpiryIndex.Entry e) {
        return e.has(ExpiryIndex.ANALYTICS_DONE) || behind(DataClass.ANALYTICS, e);
    }

    private boolean billingDone(ExpiryIndex.Entry e) {
        return e.has(ExpiryIndex.BILLING_DONE) || !e.has(ExpiryIndex.PARKED) && behind(DataClass.BILLING, e);
    }

    /** Whether the cursor of {@code kind} in the entry's class has passed it: its deletion is done (or due now). */
    private boolean behind(DataClass kind, ExpiryIndex.Entry e) {
        Bytes cursor = cursor(kind, e.window());
        return cursor != null && ExpiryIndex.compare(e.key(), cursor) <= 0;
    }

    private void remove(ExpiryIndex.Entry e) {
        index.delete(e.key());
        subjectIndex.remove(e);
    }

    /**
     * Compaction never touches a log's active segment, and a segment only rolls when something is
     * appended: a quiet changelog partition would keep deleted personal data forever. Writing and
     * deleting a reserved key on every sweep appends to each changelog, so its segments roll
     * within segment.ms and the cleaner can do its work.
     */
    private void keepChangelogsRolling(long now) {
        for (KeyValueStore<Bytes, byte[]> store : List.of(indexStore, heldStore)) {
            store.put(KEEP_ALIVE, new byte[0]);
            store.delete(KEEP_ALIVE);
        }
        meta.put("keep-alive", new byte[0]);
        meta.delete("keep-alive");
        // The same for the output topics' partitions this task covers (KeepAlive).
        context.forward(new Record<>(KeepAlive.key(context.taskId().partition(), rawPartitions), RetentionEvent.keepAlive(),
                now));
    }

    private void deleteAnalytics(ExpiryIndex.Entry e, DeletionReason reason, long deadline, long now) {
        emit(DataClass.ANALYTICS, analyticsTopic, BASE64URL.encodeToString(e.pseudoId()), e.arrival(), reason, deadline, now);
    }

    private void deleteBilling(ExpiryIndex.Entry e, DeletionReason reason, long deadline, long now) {
        emit(DataClass.BILLING, billingTopic, e.recordId(), e.arrival(), reason, deadline, now);
    }

    private void emit(DataClass dataClass, String topic, String key, long arrival, DeletionReason reason, long deadline,
            long now) {
        String hash = keyHash(topic, key);
        context.forward(new Record<>(key, RetentionEvent.tombstone(dataClass), now));
        context.forward(new Record<>(hash, RetentionEvent.receipt(AuditReceipt.newBuilder()
                .setKeyHash(hash).setTopic(topic).setDataClass(dataClass).setCount(1)
                .setPolicyVersion(policy.version()).setReason(reason)
                // Rounded to the sweep step: the exact close would tell the call's end to anyone reading the audit.
                .setWindowClose(Instant.ofEpochMilli(coarse(deadline))).setEmittedAt(Instant.ofEpochMilli(coarse(now)))
                .setArrivedAfterClose(arrival > deadline).build()), now));
        metrics.recordDeleted(dataClass, now - Math.max(deadline, arrival));
    }

    private long coarse(long millis) {
        long step = Math.max(1, policy.sweepInterval().toMillis());
        return millis - Math.floorMod(millis, step);
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
            List<SubjectIndex.Hit> hits = hits(token, budget - used[0]);
            long requested = request.getRequestedAt().toEpochMilli();
            for (SubjectIndex.Hit h : hits) {
                ExpiryIndex.Entry e = index.get(h.indexKey());
                if (e == null) {
                    subjectIndex.delete(h.subjectKey());   // left over from an aborted transaction
                    continue;
                }
                ExpiryIndex.Entry updated = e;
                if (!analyticsDone(e)) {
                    deleteAnalytics(e, DeletionReason.ERASURE_REQUEST, requested, now);
                    updated = updated.with(ExpiryIndex.ANALYTICS_DONE);
                }
                // A held billing record stays: it goes when the hold ends or its window closes, whichever is later.
                if (!billingDone(e) && !subjects.held(e.account())) {
                    deleteBilling(e, DeletionReason.ERASURE_REQUEST, requested, now);
                    if (e.has(ExpiryIndex.PARKED)) {
                        held.remove(e.account(), e.key());
                    }
                    updated = updated.with(ExpiryIndex.BILLING_DONE).without(ExpiryIndex.PARKED);
                }
                if (analyticsDone(updated) && billingDone(updated)) {
                    remove(updated);
                } else if (updated.flags() != e.flags()) {
                    index.put(updated);
                }
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

    private List<SubjectIndex.Hit> hits(String token, int max) {
        try {
            return subjectIndex.records(BASE64URL_DECODER.decode(token), max);
        } catch (IllegalArgumentException notAToken) {
            return List.of();   // no record can carry it
        }
    }

    /** Deletes, overdue, the billing records parked under accounts whose holds have all been released. */
    private int releaseStep(int budget, long now) {
        List<HeldIndex.Parked> released = held.released(subjects::held, budget);
        for (HeldIndex.Parked p : released) {
            held.remove(p.account(), p.indexKey());
            ExpiryIndex.Entry e = index.get(p.indexKey());
            if (e == null || !e.has(ExpiryIndex.PARKED)) {
                continue;
            }
            deleteBilling(e, DeletionReason.HOLD_RELEASED, e.callEnd() + e.window(), now);
            ExpiryIndex.Entry updated = e.with(ExpiryIndex.BILLING_DONE).without(ExpiryIndex.PARKED);
            if (analyticsDone(updated)) {
                remove(updated);
            } else {
                index.put(updated);
            }
        }
        return released.size();
    }

    /**
     * After a policy change, moves entries whose source's billing window changed to their new
     * class, scanning at most {@code budget} entries; a record the new window puts in the past is
     * deleted there and then (reason: policy change). Returns how many entries it moved.
     */
    private int reindexStep(int budget, long now) {
        byte[] stored = meta.get(POLICY_VERSION);
        if (stored != null && Integer.parseInt(new String(stored, StandardCharsets.UTF_8)) == policy.version()) {
            return 0;
        }
        // A cursor left by a pass for another version (interrupted, then the policy changed again) is
        // void: entries before it were never looked at under this version. Start over.
        byte[] scanningFor = meta.get(REINDEX_FOR);
        byte[] version = Integer.toString(policy.version()).getBytes(StandardCharsets.UTF_8);
        byte[] cursor = scanningFor != null && java.util.Arrays.equals(scanningFor, version) ? meta.get(REINDEX_CURSOR) : null;
        List<ExpiryIndex.Entry> batch = index.range(cursor == null ? null : Bytes.wrap(cursor), null, budget);
        int moved = 0;
        long previousAnalyticsWindow = previousAnalyticsWindow();
        for (ExpiryIndex.Entry e : batch) {
            long window = policy.billingWindow(e.source()).toMillis();
            if (window == e.window()) {
                continue;
            }
            moved++;
            index.delete(e.key());
            subjectIndex.remove(e);
            ExpiryIndex.Entry m = e.inWindow(window);
            if (analyticsDone(e)) {
                m = m.with(ExpiryIndex.ANALYTICS_DONE);
            }
            if (billingDone(e)) {
                m = m.with(ExpiryIndex.BILLING_DONE);
            }
            if (e.has(ExpiryIndex.PARKED)) {
                held.remove(e.account(), e.key());
                m = m.without(ExpiryIndex.PARKED);
            }
            if (!m.has(ExpiryIndex.BILLING_DONE) && m.callEnd() + window <= now) {
                if (subjects.held(m.account())) {
                    held.park(m.account(), m.key());
                    m = m.with(ExpiryIndex.PARKED);
                } else {
                    deleteBilling(m, m.callEnd() + e.window() > now ? DeletionReason.POLICY_CHANGE
                            : DeletionReason.WINDOW_CLOSED, m.callEnd() + window, now);
                    m = m.with(ExpiryIndex.BILLING_DONE);
                }
            }
            if (!m.has(ExpiryIndex.ANALYTICS_DONE) && m.callEnd() + analyticsWindow() <= now) {
                deleteAnalytics(m, m.callEnd() + previousAnalyticsWindow > now ? DeletionReason.POLICY_CHANGE
                        : DeletionReason.WINDOW_CLOSED, m.callEnd() + analyticsWindow(), now);
                m = m.with(ExpiryIndex.ANALYTICS_DONE);
            }
            if (!(m.has(ExpiryIndex.ANALYTICS_DONE) && m.has(ExpiryIndex.BILLING_DONE))) {
                index.put(m);
                subjectIndex.add(m);
            }
        }
        if (batch.size() < budget) {
            meta.put(POLICY_VERSION, version);
            meta.delete(REINDEX_CURSOR);
            if (scanningFor != null) {
                meta.delete(REINDEX_FOR);
            }
        } else {
            meta.put(REINDEX_CURSOR, batch.get(batch.size() - 1).key().get());
            meta.put(REINDEX_FOR, version);
        }
        return moved;
    }

    /** Rebuilds the subject index for at most {@code budget} keys and entries (a small index: all of it). */
    private void rebuildSubjectsStep(int budget) {
        int left = Math.max(1, budget);
        while (clearing && left > 0) {
            int n = subjectIndex.clearStep(left);
            clearing = n == left;
            left -= n;
        }
        while (!clearing && rebuilding && left > 0) {
            int max = Math.min(left, 1000);
            Bytes last = subjectIndex.rebuildStep(index, rebuildCursor, max);
            if (last == null) {
                subjectIndex.mark(rebuildGeneration);
                rebuilding = false;
            } else {
                rebuildCursor = last;
                left -= max;
            }
        }
    }

    /**
     * The subject index has no changelog; before the task uses it, make sure it is the one this
     * state belongs to (same generation as the logged meta store), else rebuild it. A new
     * generation is then recorded in both, so whoever owned the task next is told apart.
     */
    private void ensureReady() {
        if (ready) {
            return;
        }
        byte[] logged = meta.get(SUBJECT_GENERATION);
        byte[] local = subjectIndex.generation();
        byte[] next = new byte[16];
        new SecureRandom().nextBytes(next);
        if (logged == null || local == null || !java.util.Arrays.equals(logged, local)) {
            rebuilding = true;
            clearing = local != null || !subjectIndex.isEmpty();   // a new task has nothing to clear
            rebuildCursor = null;
            rebuildGeneration = next;
        } else {
            subjectIndex.mark(next);
        }
        meta.put(SUBJECT_GENERATION, next);
        // A task that has never recorded a policy version and holds no entry has nothing to re-index:
        // what it indexes from now on is indexed under this policy.
        if (meta.get(POLICY_VERSION) == null && index.range(null, null, 1).isEmpty()) {
            meta.put(POLICY_VERSION, Integer.toString(policy.version()).getBytes(StandardCharsets.UTF_8));
        }
        ready = true;
    }

    private long analyticsWindow() {
        return policy.window(DataClass.ANALYTICS).toMillis();
    }

    /** The analytics window the cursors last moved under (to tell a policy change's deletions apart). */
    private long previousAnalyticsWindow() {
        byte[] stored = meta.get(ANALYTICS_WINDOW);
        return stored == null ? analyticsWindow() : Long.parseLong(new String(stored, StandardCharsets.UTF_8));
    }

    /** The cursor of one deletion in one class (null: nothing passed yet), read from the meta store once. */
    private Bytes cursor(DataClass kind, long window) {
        Map<Long, Bytes> cache = kind == DataClass.ANALYTICS ? analyticsCursors : billingCursors;
        Bytes c = cache.get(window);
        if (c == null && !cache.containsKey(window)) {
            byte[] stored = meta.get(cursorName(kind, window));
            c = stored == null ? null : Bytes.wrap(stored);
            cache.put(window, c);
        }
        return c;
    }

    /** Moves a cursor in memory; {@link #saveCursor} writes it once per step. */
    private void setCursor(DataClass kind, long window, Bytes position) {
        (kind == DataClass.ANALYTICS ? analyticsCursors : billingCursors).put(window, position);
    }

    private void saveCursor(DataClass kind, long window) {
        Bytes c = cursor(kind, window);
        if (c != null) {
            meta.put(cursorName(kind, window), c.get());
        }
    }

    private static String cursorName(DataClass kind, long window) {
        return CURSOR + kind.name().charAt(0) + '|' + window;
    }

    private String keyHash(String topic, String key) {
        // Keyed: a bare digest of a record id would let anyone holding record ids link receipts to them.
        return auditKey.hash(topic, key);
    }

}
