package io.cdrpipeline.retention;

import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * What retention does to one retained CDR, decided without Kafka: given its expiry-index entry
 * and the {@link Conditions} of the moment, each rule returns a {@link Plan} — which records to delete
 * (with reason and deadline), whether the billing record is parked under a legal hold or leaves
 * it, and what becomes of the entry. {@link TaskRetention#apply} carries a plan out; the sweep
 * steps only choose which entries to ask about.
 *
 * <p>The rules, in one place:
 * <ul>
 * <li>an analytics record goes when its window closes, on erasure, or — with the reason
 *     "policy change" — when a shorter window closes it early;</li>
 * <li>a billing record goes when its source's billing window closes, unless its account is on
 *     legal hold: then it is parked, and goes when the last hold is released; an erasure request
 *     deletes it at once unless it is held or arrived after the request (a new CDR of the
 *     subject: billed, never analysed);</li>
 * <li>an entry goes when both its records are gone; a cursor passing it counts as gone, so the
 *     common case costs no store write.</li>
 * </ul>
 */
public final class RetentionRules {

    /** The longest call a key epoch must cover after it ends: a call started under it may end a day later. */
    public static final Duration LONGEST_CALL = Duration.ofDays(1);

    private RetentionRules() {
    }

    /**
     * The conditions of the moment for one entry: {@code held()}, its account is on legal hold (looked up when asked);
     * {@code analyticsPassed}/{@code billingPassed}, the cursor of that deletion in its window class
     * has passed it; the analytics window now and the one the cursors last moved under.
     */
    public record Conditions(long now, long analyticsWindow, long previousAnalyticsWindow, BooleanSupplier holdCheck,
            boolean analyticsPassed, boolean billingPassed) {

        public Conditions(long now, long analyticsWindow, long previousAnalyticsWindow, boolean held, boolean analyticsPassed,
                boolean billingPassed) {
            this(now, analyticsWindow, previousAnalyticsWindow, () -> held, analyticsPassed, billingPassed);
        }

        /** Asked only where a rule needs it: the hold lookup is a store scan, and most records never need it. */
        public boolean held() {
            return holdCheck.getAsBoolean();
        }
    }

    /** One record to delete: its data class, why, and the deadline it was due by. */
    public record Deletion(DataClass kind, DeletionReason reason, long deadline) {
    }

    /** What becomes of the entry after the deletions: written anew (with its subject keys), updated, or left. */
    public enum Write { NONE, UPDATE, ADD }

    /**
     * A rule's answer: the entry {@code before} and {@code after}; the deletions, in order;
     * whether the old entry leaves the index (and its subject keys), whether it leaves the held
     * index, whether the new one is parked there; and how the new one is written.
     */
    public record Plan(ExpiryIndex.Entry before, ExpiryIndex.Entry after, List<Deletion> deletions,
            boolean removeBefore, boolean unpark, boolean park, Write write) {

        public Plan {
            deletions = List.copyOf(deletions);
        }

        static Plan nothing(ExpiryIndex.Entry e) {
            return new Plan(e, e, List.of(), false, false, false, Write.NONE);
        }
    }

    /** Whether the analytics record is gone or due: deleted out of turn, or passed by its cursor. */
    static boolean analyticsDone(ExpiryIndex.Entry e, Conditions f) {
        return e.has(ExpiryIndex.ANALYTICS_DONE) || f.analyticsPassed();
    }

    /** Whether the billing record is gone or due: deleted out of turn, or passed by its cursor and not parked. */
    static boolean billingDone(ExpiryIndex.Entry e, Conditions f) {
        return e.has(ExpiryIndex.BILLING_DONE) || !e.has(ExpiryIndex.PARKED) && f.billingPassed();
    }

    /**
     * A CDR as it arrives: a window already passed by its cursor deletes its record as it is
     * written. A CDR of an erased subject ({@code erasedAt}: when the earliest request naming it was
     * filed, else null) was never analysed; if it reached the pipeline before that request was filed
     * — a backlog, a late delivery — its billing record is erased as it is written too, unless held.
     */
    public static Plan onArrival(ExpiryIndex.Entry e, Long erasedAt, Conditions f) {
        List<Deletion> out = new ArrayList<>(2);
        ExpiryIndex.Entry after = e;
        boolean park = false;
        if (!after.has(ExpiryIndex.ANALYTICS_DONE) && f.analyticsPassed()) {
            out.add(new Deletion(DataClass.ANALYTICS, DeletionReason.WINDOW_CLOSED, e.callEnd() + f.analyticsWindow()));
            after = after.with(ExpiryIndex.ANALYTICS_DONE);
        }
        if (erasedAt != null && e.arrival() <= erasedAt && !f.held()) {
            out.add(new Deletion(DataClass.BILLING, DeletionReason.ERASURE_REQUEST, erasedAt));
            after = after.with(ExpiryIndex.BILLING_DONE);
        } else if (f.billingPassed()) {
            if (f.held()) {
                park = true;
                after = after.with(ExpiryIndex.PARKED);
            } else {
                out.add(new Deletion(DataClass.BILLING, DeletionReason.WINDOW_CLOSED, e.callEnd() + e.window()));
                after = after.with(ExpiryIndex.BILLING_DONE);
            }
        }
        boolean gone = after.has(ExpiryIndex.ANALYTICS_DONE) && after.has(ExpiryIndex.BILLING_DONE);
        return new Plan(e, after, out, false, false, park, gone ? Write.NONE : Write.ADD);
    }

    /** The analytics cursor of the entry's class passes it (its analytics window has closed). */
    public static Plan onAnalyticsCursor(ExpiryIndex.Entry e, Conditions f) {
        List<Deletion> out = new ArrayList<>(1);
        if (!e.has(ExpiryIndex.ANALYTICS_DONE)) {
            out.add(new Deletion(DataClass.ANALYTICS, closedEarly(e, f) ? DeletionReason.POLICY_CHANGE
                    : DeletionReason.WINDOW_CLOSED, e.callEnd() + f.analyticsWindow()));
        }
        return new Plan(e, e, out, billingDone(e, f), false, false, Write.NONE);
    }

    /** The billing cursor of the entry's class passes it (its billing window has closed). */
    public static Plan onBillingCursor(ExpiryIndex.Entry e, Conditions f) {
        if (e.has(ExpiryIndex.BILLING_DONE) || e.has(ExpiryIndex.PARKED)) {
            return Plan.nothing(e);
        }
        if (f.held()) {
            return new Plan(e, e.with(ExpiryIndex.PARKED), List.of(), false, false, true, Write.UPDATE);
        }
        Deletion d = new Deletion(DataClass.BILLING, DeletionReason.WINDOW_CLOSED, e.callEnd() + e.window());
        return new Plan(e, e, List.of(d), analyticsDone(e, f), false, false, Write.NONE);
    }

    /**
     * An erasure request for one of the entry's subjects, filed at {@code requestedAt}: its analytics
     * record goes at once; its billing record too if it reached the pipeline by then and is not held.
     * A CDR that arrived after the request is a new CDR of the subject — billed, never analysed.
     */
    public static Plan onErasure(ExpiryIndex.Entry e, long requestedAt, Conditions f) {
        List<Deletion> out = new ArrayList<>(2);
        ExpiryIndex.Entry after = e;
        boolean unpark = false;
        if (!analyticsDone(e, f)) {
            out.add(new Deletion(DataClass.ANALYTICS, DeletionReason.ERASURE_REQUEST, requestedAt));
            after = after.with(ExpiryIndex.ANALYTICS_DONE);
        }
        // A held billing record stays: it goes when the hold ends or its window closes, whichever is later.
        if (!billingDone(e, f) && e.arrival() <= requestedAt && !f.held()) {
            out.add(new Deletion(DataClass.BILLING, DeletionReason.ERASURE_REQUEST, requestedAt));
            unpark = e.has(ExpiryIndex.PARKED);
            after = after.with(ExpiryIndex.BILLING_DONE).without(ExpiryIndex.PARKED);
        }
        boolean gone = analyticsDone(after, f) && billingDone(after, f);
        Write write = !gone && after.flags() != e.flags() ? Write.UPDATE : Write.NONE;
        return new Plan(e, after, out, gone, unpark, false, write);
    }

    /** The last legal hold on a parked entry's account was released: its billing record goes, overdue. */
    public static Plan onHoldReleased(ExpiryIndex.Entry e, Conditions f) {
        if (!e.has(ExpiryIndex.PARKED)) {
            return Plan.nothing(e);
        }
        Deletion d = new Deletion(DataClass.BILLING, DeletionReason.HOLD_RELEASED, e.callEnd() + e.window());
        ExpiryIndex.Entry after = e.with(ExpiryIndex.BILLING_DONE).without(ExpiryIndex.PARKED);
        boolean gone = analyticsDone(after, f);
        return new Plan(e, after, List.of(d), gone, false, false, gone ? Write.NONE : Write.UPDATE);
    }

    /**
     * A new policy gave the entry's source the billing window {@code window}: the entry moves to
     * that class; a record the new windows put in the past goes there and then (reason: policy
     * change, or window closed when the old window had closed too). Null when nothing changes.
     */
    public static Plan onPolicyChange(ExpiryIndex.Entry e, long window, Conditions f) {
        if (window == e.window()) {
            return null;
        }
        List<Deletion> out = new ArrayList<>(2);
        ExpiryIndex.Entry m = e.inWindow(window);
        if (analyticsDone(e, f)) {
            m = m.with(ExpiryIndex.ANALYTICS_DONE);
        }
        if (billingDone(e, f)) {
            m = m.with(ExpiryIndex.BILLING_DONE);
        }
        boolean unpark = e.has(ExpiryIndex.PARKED);
        m = m.without(ExpiryIndex.PARKED);
        boolean park = false;
        long now = f.now();
        if (!m.has(ExpiryIndex.BILLING_DONE) && m.callEnd() + window <= now) {
            if (f.held()) {
                park = true;
                m = m.with(ExpiryIndex.PARKED);
            } else {
                out.add(new Deletion(DataClass.BILLING, m.callEnd() + e.window() > now ? DeletionReason.POLICY_CHANGE
                        : DeletionReason.WINDOW_CLOSED, m.callEnd() + window));
                m = m.with(ExpiryIndex.BILLING_DONE);
            }
        }
        if (!m.has(ExpiryIndex.ANALYTICS_DONE) && m.callEnd() + f.analyticsWindow() <= now) {
            out.add(new Deletion(DataClass.ANALYTICS, closedEarly(m, f) ? DeletionReason.POLICY_CHANGE
                    : DeletionReason.WINDOW_CLOSED, m.callEnd() + f.analyticsWindow()));
            m = m.with(ExpiryIndex.ANALYTICS_DONE);
        }
        boolean gone = m.has(ExpiryIndex.ANALYTICS_DONE) && m.has(ExpiryIndex.BILLING_DONE);
        return new Plan(e, m, out, true, unpark, park, gone ? Write.NONE : Write.ADD);
    }

    /** The analytics window the cursors last moved under would still have kept the record: a new policy closed it. */
    private static boolean closedEarly(ExpiryIndex.Entry e, Conditions f) {
        return e.callEnd() + f.previousAnalyticsWindow() > f.now();
    }

    /**
     * When a key epoch's pseudonyms can no longer be needed: the next epoch's start, plus the
     * longest call, plus the analytics window — every analytics record made under it is deleted by then.
     */
    public static Instant keyEpochCloses(Instant nextEpochStart, Duration analyticsWindow) {
        return nextEpochStart.plus(LONGEST_CALL).plus(analyticsWindow);
    }

    /** Whether a key epoch closing at {@code closes} is destroyed at {@code now} (one sweep step of slack). */
    public static boolean keyEpochDue(Instant closes, Duration sweepInterval, Instant now) {
        return !closes.plus(sweepInterval).isAfter(now);
    }
}
