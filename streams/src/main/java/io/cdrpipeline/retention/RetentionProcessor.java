package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.state.PurgeableStores;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where data is deleted. Every unique billing record (and the analytics record made from it)
 * gets one expiry-index entry, and subject-index entries under its subject tokens. A wall-clock
 * punctuator — a legal deadline does not wait for new traffic — then runs the sweep steps in
 * turn: {@link PolicyChangeStep}, {@link ErasureStep}, {@link ReleaseStep},
 * {@link WindowCursorStep}. What to do with each entry is {@link RetentionRules}' decision;
 * every deletion is a tombstone and a receipt ({@link DeletionEmitter}). Work per sweep is
 * bounded by {@code sweep-max-records}, keeping a backlog inside the exactly-once transaction
 * timeout; further steps follow quickly until it is drained.
 */
public final class RetentionProcessor implements Processor<String, BillingRecord, String, RetentionEvent> {

    private static final Duration CATCH_UP = Duration.ofMillis(200);
    private static final Bytes KEEP_ALIVE = Bytes.wrap(new byte[] {0, 'k', 'e', 'e', 'p'});

    private final RetentionPolicy policy;
    private final Supplier<Pseudonymizer> pseudonymizers;
    private final RetentionMetrics metrics;
    private final String billingTopic;
    private final String analyticsTopic;
    private final boolean withSubjects;
    private final AuditKey auditKey;
    private final PurgeableStores local;
    private ProcessorContext<String, RetentionEvent> context;
    private List<KeyValueStore<Bytes, byte[]>> logged;
    private RetentionStores stores;
    private Pseudonymizer pseudonymizer;
    private SubjectRebuildStep rebuild;
    private PolicyChangeStep policyChange;
    private ErasureStep erasures;
    private ReleaseStep releases;
    private WindowCursorStep cursors;
    private int rawPartitions;
    private boolean ready;
    private boolean behind;
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
        KeyValueStore<Bytes, byte[]> indexStore = context.getStateStore(ExpiryIndex.STORE);
        KeyValueStore<Bytes, byte[]> heldStore = context.getStateStore(HeldIndex.STORE);
        this.logged = List.of(indexStore, heldStore);
        Subjects subjects = withSubjects
                ? new Subjects(context.getStateStore(Subjects.HOLDS_STORE), context.getStateStore(Subjects.ERASURES_STORE))
                : new Subjects(null, null);
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
        this.stores = new RetentionStores(new ExpiryIndex(indexStore), new SubjectIndex(context.getStateStore(SubjectIndex.STORE)),
                new HeldIndex(heldStore), subjects, new SweepState(context.getStateStore(SweepState.STORE)), policy,
                new DeletionEmitter(auditKey, policy, metrics), sink, billingTopic, analyticsTopic,
                context.taskId().toString());
        this.rebuild = new SubjectRebuildStep(stores);
        this.policyChange = new PolicyChangeStep(stores);
        this.erasures = new ErasureStep(stores, metrics);
        this.releases = new ReleaseStep(stores);
        this.cursors = new WindowCursorStep(stores);
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
        List<String> tokens = pseudonymizer.subjectTokens(b);
        // An erased subject stays erased: its late CDRs never reach analytics (see PseudonymizeProcessor).
        boolean analyticsWritten = !stores.subjects.anyErasure() || !stores.subjects.erased(tokens);
        ExpiryIndex.Entry e = ExpiryIndex.Entry.of(b, record.key(), policy, record.timestamp(),
                pseudonymizer.pseudoRecordId(b), tokens, analyticsWritten ? 0 : ExpiryIndex.ANALYTICS_DONE);
        long now = context.currentSystemTimeMs();
        stores.beginDeletions();
        stores.apply(RetentionRules.onArrival(e, stores.facts(e, now)), now);
        stores.flushReceipts(now);   // a CDR deleted on arrival: its receipt in the same transaction
    }

    /** One sweep at wall-clock time {@code now}. */
    void sweep(long now) {
        ensureReady();
        stores.beginDeletions();
        keepChangelogsRolling(now);
        int budget = policy.sweepMaxRecords();
        if (rebuild.rebuilding()) {
            // Its own budget: local writes only (no changelog), a few tens of milliseconds a step.
            rebuild.run(SubjectRebuildStep.STEP);
        }
        int used = policyChange.run(budget, now);
        if (!rebuild.rebuilding()) {
            used += erasures.run(budget - used, now);
        }
        used += releases.run(budget - used, now);
        boolean reindexing = stores.state.reindexing();
        if (!reindexing && used < budget) {
            used += cursors.run(budget - used, now);
        }
        behind = used >= budget || reindexing || rebuild.rebuilding();
        if (!behind) {
            stores.state.sweptUnder(stores.analyticsWindow());
        }
        stores.flushReceipts(now);
        metrics.recordSweep(context.taskId().toString(), used, stores.index.approximateSize(), used >= budget);
        // What the sweeps deleted leaves this task's files once per physical step (see PurgeableStore).
        if (now - lastPurge >= policy.physicalStep().toMillis()) {
            local.purge(context.taskId());
            lastPurge = now;
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
