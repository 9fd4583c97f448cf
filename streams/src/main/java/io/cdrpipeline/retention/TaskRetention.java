package io.cdrpipeline.retention;

import io.cdrpipeline.schema.DataClass;
import java.util.Base64;

/**
 * One task's retention state — the expiry index, its subject index, the held index, the deletion
 * ledger, the holds and erasures it reads, and where the sweeps are — and the one place a
 * {@link RetentionRules.Plan} is carried out: deletions through the {@link DeletionEmitter} (each
 * billing deletion remembered in the ledger, so that a resend is not billed again), then the held
 * index, then the entry.
 */
public final class TaskRetention {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    final ExpiryIndex index;
    final SubjectIndex subjectIndex;
    final HeldIndex held;
    final DeletionLedger ledger;
    /** The index's exact size (see {@link IndexCount}). */
    final IndexCount entries = new IndexCount();
    final ControlMirrors subjects;
    final SweepState state;
    final RetentionPolicy policy;
    /** The task these stores belong to (per-task metrics). */
    final String task;
    private final DeletionEmitter emitter;
    private final DeletionEmitter.Sink sink;
    private final String billingTopic;
    private final String analyticsTopic;

    TaskRetention(ExpiryIndex index, SubjectIndex subjectIndex, HeldIndex held, DeletionLedger ledger, ControlMirrors subjects,
            SweepState state, RetentionPolicy policy, DeletionEmitter emitter, DeletionEmitter.Sink sink, String billingTopic,
            String analyticsTopic, String task) {
        this.task = task;
        this.ledger = ledger;
        this.index = index;
        this.subjectIndex = subjectIndex;
        this.held = held;
        this.subjects = subjects;
        this.state = state;
        this.policy = policy;
        this.emitter = emitter;
        this.sink = sink;
        this.billingTopic = billingTopic;
        this.analyticsTopic = analyticsTopic;
    }

    /** Before a record or a sweep: receipts left by one whose transaction failed are dropped with it. */
    void beginDeletions() {
        emitter.discardPending();
    }

    /** After a record or a sweep, in its transaction: the receipts of what it deleted. */
    void flushReceipts(long now) {
        emitter.flush(sink, now);
    }

    long analyticsWindow() {
        return policy.window(DataClass.ANALYTICS).toMillis();
    }

    /** The facts the rules need about {@code e} at {@code now}. */
    RetentionRules.Conditions facts(ExpiryIndex.Entry e, long now) {
        long analytics = analyticsWindow();
        return new RetentionRules.Conditions(now, analytics, state.sweptAnalyticsWindow(analytics), () -> subjects.held(e.account()),
                state.passed(DataClass.ANALYTICS, e), state.passed(DataClass.BILLING, e));
    }

    /** The facts about an arriving CDR, whose hold was decided with it ({@link Arrival}). */
    RetentionRules.Conditions facts(ExpiryIndex.Entry e, long now, boolean held) {
        long analytics = analyticsWindow();
        return new RetentionRules.Conditions(now, analytics, state.sweptAnalyticsWindow(analytics), held,
                state.passed(DataClass.ANALYTICS, e), state.passed(DataClass.BILLING, e));
    }

    /**
     * When a deleted record's copy could no longer be billed: both its windows passed, counted from
     * its call's end or its arrival, whichever is later (a copy is then deleted as it arrives).
     */
    long forgetAt(ExpiryIndex.Entry e) {
        return Math.max(e.callEnd(), e.arrival()) + Math.max(e.window(), analyticsWindow());
    }

    /** Carries out a plan made at {@code now}. */
    void apply(RetentionRules.Plan plan, long now) {
        apply(plan, now, null);
    }

    /** {@link #apply} for an erasure request with the operator's case reference (null: none), which its receipts carry. */
    void apply(RetentionRules.Plan plan, long now, String caseReference) {
        ExpiryIndex.Entry before = plan.before();
        ExpiryIndex.Entry after = plan.after();
        for (RetentionRules.Deletion d : plan.deletions()) {
            if (d.kind() == DataClass.ANALYTICS) {
                emitter.delete(sink, d.kind(), analyticsTopic, BASE64URL.encodeToString(after.pseudoId()), d.reason(),
                        d.deadline(), after.arrival(), now, caseReference);
            } else {
                String hash = emitter.delete(sink, d.kind(), billingTopic, after.recordId(), d.reason(), d.deadline(),
                        after.arrival(), now, caseReference);
                ledger.remember(hash, forgetAt(after), now);
            }
        }
        if (plan.unpark()) {
            held.remove(before.account(), before.key());
        }
        if (plan.park()) {
            held.park(after.account(), after.key());
        }
        if (plan.removeBefore()) {
            index.delete(before.key());
            subjectIndex.remove(before);
            entries.removed(before.key());
        }
        switch (plan.write()) {
            case ADD -> {
                index.put(after);
                subjectIndex.add(after);
                entries.added(after.key());
            }
            case UPDATE -> index.put(after);
            case NONE -> { }
        }
    }
}
