package io.cdrpipeline.retention;

import io.cdrpipeline.config.RawPartitions;
import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.state.PurgeableStoreRegistry;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where data is deleted. Every unique CDR, as decided on arrival ({@link Arrival}: its analytics
 * key and subject tokens under one key-ring snapshot, whether its subject is erased or its account
 * held), gets one expiry-index entry, and subject-index entries under its subject tokens. A wall-clock
 * punctuator — a legal deadline does not wait for new traffic — then runs the sweep steps in
 * turn: {@link PolicyChangeStep}, {@link ErasureStep}, {@link ReleaseStep},
 * {@link WindowCursorStep}. What to do with each entry is {@link RetentionRules}' decision;
 * every deletion is a tombstone and a receipt ({@link DeletionEmitter}). Work per sweep is
 * bounded by {@code sweep-max-records}, keeping a backlog inside the exactly-once transaction
 * timeout; further steps follow quickly until it is drained.
 */
public final class RetentionProcessor implements Processor<String, Arrival, String, RetentionEvent> {

    private static final Duration CATCH_UP = Duration.ofMillis(200);
    private static final Bytes KEEP_ALIVE = Bytes.wrap(new byte[] {0, 'k', 'e', 'e', 'p'});

    /** Ledger entries looked at per sweep, going round (they hold no personal data; this only bounds the store). */
    private static final int LEDGER_STEP = 10_000;

    private final RetentionPolicy policy;
    private final RetentionMetrics metrics;
    private final String billingTopic;
    private final String analyticsTopic;
    private final AuditKey auditKey;
    private final PurgeableStoreRegistry local;
    private ProcessorContext<String, RetentionEvent> context;
    private List<KeyValueStore<Bytes, byte[]>> logged;
    private TaskRetention stores;
    private SubjectRebuildStep rebuild;
    private PolicyChangeStep policyChange;
    private ErasureStep erasures;
    private ReleaseStep releases;
    private WindowCursorStep cursors;
    private int rawPartitions;
    private boolean ready;
    private boolean behind;
    private long lastPurge;

    public RetentionProcessor(RetentionPolicy policy, RetentionMetrics metrics, String billingTopic, String analyticsTopic,
            AuditKey auditKey, PurgeableStoreRegistry local) {
        this.auditKey = auditKey.copy();
        this.local = local;
        this.policy = policy;
        this.metrics = metrics;
        this.billingTopic = billingTopic;
        this.analyticsTopic = analyticsTopic;
    }

    @Override
    public void init(ProcessorContext<String, RetentionEvent> context) {
        this.context = context;
        KeyValueStore<Bytes, byte[]> indexStore = context.getStateStore(ExpiryIndex.STORE);
        KeyValueStore<Bytes, byte[]> heldStore = context.getStateStore(HeldIndex.STORE);
        KeyValueStore<Bytes, byte[]> ledgerStore = context.getStateStore(DeletionLedger.STORE);
        this.logged = List.of(indexStore, heldStore, ledgerStore);
        ControlMirrors subjects = new ControlMirrors(context.getStateStore(ControlMirrors.HOLDS_STORE),
                context.getStateStore(ControlMirrors.ERASURES_STORE));
        DeletionEmitter.Sink sink = new DeletionEmitter.Sink() {
            @Override
            public void tombstone(DataClass kind, String topic, String key, long now) {
                context.forward(new Record<>(key, RetentionEvent.tombstone(kind), now));
            }

            @Override
            public void receipt(String keyHash, AuditReceipt receipt, long now) {
                context.forward(new Record<>(keyHash, RetentionEvent.receipt(receipt), now));
            }
        };
        this.stores = new TaskRetention(new ExpiryIndex(indexStore), new SubjectIndex(context.getStateStore(SubjectIndex.STORE)),
                new HeldIndex(heldStore), new DeletionLedger(ledgerStore, local.store(context.taskId(), DeletionLedger.STORE)), subjects, new SweepState(context.getStateStore(SweepState.STORE)), policy,
                new DeletionEmitter(auditKey, policy, metrics), sink, billingTopic, analyticsTopic,
                context.taskId().toString());
        this.rebuild = new SubjectRebuildStep(stores);
        this.policyChange = new PolicyChangeStep(stores);
        this.erasures = new ErasureStep(stores, metrics);
        this.releases = new ReleaseStep(stores);
        this.cursors = new WindowCursorStep(stores);
        this.rawPartitions = RawPartitions.of(context.appConfigs()).orElse(0);
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
    public void process(Record<String, Arrival> record) {
        ensureReady();
        Arrival a = record.value();
        Pseudonymizer.Pseudonyms p = a.pseudonyms();
        // Analytics never written (an erased subject, or an epoch past pseudonymising): nothing to delete there.
        ExpiryIndex.Entry e = ExpiryIndex.Entry.of(a.billing(), record.key(), policy, record.timestamp(),
                p.pseudoRecordId(), p.tokens(), a.analytics() == null ? ExpiryIndex.ANALYTICS_DONE : 0);
        long now = context.currentSystemTimeMs();
        stores.beginDeletions();
        try {
            stores.apply(RetentionRules.onArrival(e, a.erasedAt(), stores.facts(e, now, a.held())), now);
        } finally {
            stores.flushReceipts(now);   // a CDR deleted on arrival: its receipt in the same transaction
        }
    }

    /** One sweep at wall-clock time {@code now}. */
    void sweep(long now) {
        ensureReady();
        stores.beginDeletions();
        try {
            keepChangelogsRolling(now);
            int budget = policy.sweepMaxRecords();
            if (rebuild.rebuilding()) {
                // Its own budget: local writes only (no changelog), a few tens of milliseconds a step.
                rebuild.run(SubjectRebuildStep.STEP);
            }
            int used = policyChange.run(budget, now);
            boolean reindexing = stores.state.reindexing();
            // A fair share each, so that no step starves another (issue 21: held records of an erased
            // subject kept every sweep busy): erasures at most half of what is left, releases half of
            // the rest, and the window cursors — the common case of deletion — at least a quarter.
            int left = Math.max(0, budget - used);
            int erasureShare = Math.max(1, left / 2);
            int erased = rebuild.rebuilding() ? 0 : erasures.run(erasureShare, now);
            int releaseShare = Math.max(1, (left - erased) / 2);
            int released = releases.run(releaseShare, now);
            int cursorShare = Math.max(1, left - erased - released);
            int moved = reindexing ? 0 : cursors.run(cursorShare, now);
            used += erased + released + moved;
            stores.ledger.forgetDue(now, LEDGER_STEP);
            behind = used >= budget || erased >= erasureShare || released >= releaseShare || moved >= cursorShare
                    || reindexing || rebuild.rebuilding();
            if (!behind) {
                stores.state.sweptUnder(stores.analyticsWindow());
            }
            stores.entries.step(stores.index);
            metrics.recordSweep(context.taskId().toString(), used, stores.entries.count(), behind);
            // What the sweeps deleted leaves this task's files once per physical step (see PurgeableStore).
            if (now - lastPurge >= policy.purgeStep().toMillis()) {
                local.purge(context.taskId());
                lastPurge = now;
            }
        } finally {
            // Whatever happened, the receipts of the tombstones this transaction carries go with them.
            stores.flushReceipts(now);
        }
    }

    /**
     * Compaction never touches a log's active segment, and a segment only rolls when something is
     * appended: a quiet changelog partition would keep deleted personal data forever. Writing and
     * deleting a reserved key on every sweep appends to each changelog, and to the output topics'
     * partitions this task covers ({@link KeepAlive}).
     */
    private void keepChangelogsRolling(long now) {
        for (KeyValueStore<Bytes, byte[]> store : logged) {
            store.put(KEEP_ALIVE, new byte[0]);
            store.delete(KEEP_ALIVE);
        }
        stores.state.keepAlive();
        context.forward(new Record<>(KeepAlive.key(context.taskId().partition(), rawPartitions), RetentionEvent.keepAlive(),
                now, new RecordHeaders().add(KeepAlive.HEADER, new byte[] {1})));
    }

    @Override
    public void close() {
        if (context != null) {
            metrics.forget(context.taskId().toString());
        }
    }

    private void ensureReady() {
        if (ready) {
            return;
        }
        rebuild.check();
        // A task that has never recorded a policy version and holds no entry has nothing to re-index:
        // what it indexes from now on is indexed under this policy.
        if (stores.state.policyVersion() == null && stores.index.range(null, null, 1).isEmpty()) {
            stores.state.policyVersion(policy.version());
        }
        ready = true;
    }
}
