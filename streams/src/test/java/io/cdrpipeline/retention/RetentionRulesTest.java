package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.retention.RetentionRules.Deletion;
import io.cdrpipeline.retention.RetentionRules.Conditions;
import io.cdrpipeline.retention.RetentionRules.Plan;
import io.cdrpipeline.retention.RetentionRules.Write;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** The retention rules as a table: entry and facts in, plan out — no Kafka, no store. */
class RetentionRulesTest {

    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long NOW = 1_000 * DAY;
    private static final long ANALYTICS = 30 * DAY;
    private static final long BILLING = 90 * DAY;
    private static final long END = NOW - 100 * DAY;
    private static final int A = ExpiryIndex.ANALYTICS_DONE;
    private static final int B = ExpiryIndex.BILLING_DONE;
    private static final int P = ExpiryIndex.PARKED;

    private static ExpiryIndex.Entry entry(int flags) {
        return new ExpiryIndex.Entry(BILLING, END, "sw1:42", flags, END + 1000, new byte[16], "acct-1", List.of(new byte[16]));
    }

    /** held, analytics cursor passed, billing cursor passed; the analytics window unchanged. */
    private static Conditions facts(boolean held, boolean analyticsPassed, boolean billingPassed) {
        return new Conditions(NOW, ANALYTICS, ANALYTICS, held, analyticsPassed, billingPassed);
    }

    private static Deletion analytics(DeletionReason r, long deadline) {
        return new Deletion(DataClass.ANALYTICS, r, deadline);
    }

    private static Deletion billing(DeletionReason r, long deadline) {
        return new Deletion(DataClass.BILLING, r, deadline);
    }

    static Stream<Arguments> arrivals() {
        return Stream.of(
                // flags, held, a passed, b passed -> deletions, flags after, park, write
                Arguments.of(0, false, false, false, List.of(), 0, false, Write.ADD),
                Arguments.of(0, false, true, false, List.of(analytics(DeletionReason.WINDOW_CLOSED, END + ANALYTICS)), A, false,
                        Write.ADD),
                Arguments.of(0, false, true, true, List.of(analytics(DeletionReason.WINDOW_CLOSED, END + ANALYTICS),
                        billing(DeletionReason.WINDOW_CLOSED, END + BILLING)), A | B, false, Write.NONE),
                Arguments.of(0, true, true, true, List.of(analytics(DeletionReason.WINDOW_CLOSED, END + ANALYTICS)), A | P, true,
                        Write.ADD),
                // an erased subject's record arrives with no analytics record written
                Arguments.of(A, false, true, false, List.of(), A, false, Write.ADD));
    }

    @ParameterizedTest
    @MethodSource("arrivals")
    void arrival(int flags, boolean held, boolean aPassed, boolean bPassed, List<Deletion> deletions, int after, boolean park,
            Write write) {
        Plan p = RetentionRules.onArrival(entry(flags), null, facts(held, aPassed, bPassed));
        assertThat(p.deletions()).containsExactlyElementsOf(deletions);
        assertThat(p.after().flags()).isEqualTo(after);
        assertThat(p.park()).isEqualTo(park);
        assertThat(p.write()).isEqualTo(write);
        assertThat(p.removeBefore()).isFalse();
    }

    static Stream<Arguments> cursors() {
        return Stream.of(
                // kind, flags, held, a passed, b passed -> deletions, remove, park, write
                Arguments.of(DataClass.ANALYTICS, 0, false, true, false,
                        List.of(analytics(DeletionReason.WINDOW_CLOSED, END + ANALYTICS)), false, false, Write.NONE),
                Arguments.of(DataClass.ANALYTICS, 0, false, true, true,
                        List.of(analytics(DeletionReason.WINDOW_CLOSED, END + ANALYTICS)), true, false, Write.NONE),
                Arguments.of(DataClass.ANALYTICS, A, false, true, false, List.of(), false, false, Write.NONE),
                Arguments.of(DataClass.ANALYTICS, P, false, true, true,
                        List.of(analytics(DeletionReason.WINDOW_CLOSED, END + ANALYTICS)), false, false, Write.NONE),
                Arguments.of(DataClass.BILLING, 0, false, true, true,
                        List.of(billing(DeletionReason.WINDOW_CLOSED, END + BILLING)), true, false, Write.NONE),
                Arguments.of(DataClass.BILLING, 0, false, false, true,
                        List.of(billing(DeletionReason.WINDOW_CLOSED, END + BILLING)), false, false, Write.NONE),
                Arguments.of(DataClass.BILLING, 0, true, true, true, List.of(), false, true, Write.UPDATE),
                Arguments.of(DataClass.BILLING, P, true, true, true, List.of(), false, false, Write.NONE),
                Arguments.of(DataClass.BILLING, B, false, true, true, List.of(), false, false, Write.NONE));
    }

    @ParameterizedTest
    @MethodSource("cursors")
    void cursorPasses(DataClass kind, int flags, boolean held, boolean aPassed, boolean bPassed, List<Deletion> deletions,
            boolean remove, boolean park, Write write) {
        Conditions f = facts(held, aPassed, bPassed);
        Plan p = kind == DataClass.ANALYTICS ? RetentionRules.onAnalyticsCursor(entry(flags), f)
                : RetentionRules.onBillingCursor(entry(flags), f);
        assertThat(p.deletions()).containsExactlyElementsOf(deletions);
        assertThat(p.removeBefore()).isEqualTo(remove);
        assertThat(p.park()).isEqualTo(park);
        assertThat(p.write()).isEqualTo(write);
    }

    @Test
    void aShorterAnalyticsWindowDeletesWithReasonPolicyChange() {
        // The cursors last moved under a 200-day window: this record would still have been kept.
        Conditions f = new Conditions(NOW, ANALYTICS, 200 * DAY, false, true, false);
        assertThat(RetentionRules.onAnalyticsCursor(entry(0), f).deletions())
                .containsExactly(analytics(DeletionReason.POLICY_CHANGE, END + ANALYTICS));
    }

    static Stream<Arguments> erasures() {
        long asked = NOW - 5;
        return Stream.of(
                // flags, held, a passed, b passed -> deletions, remove, unpark, flags after, write
                Arguments.of(0, false, false, false, List.of(analytics(DeletionReason.ERASURE_REQUEST, asked),
                        billing(DeletionReason.ERASURE_REQUEST, asked)), true, false, A | B, Write.NONE),
                Arguments.of(0, true, false, false, List.of(analytics(DeletionReason.ERASURE_REQUEST, asked)), false, false, A,
                        Write.UPDATE),
                Arguments.of(P, false, true, true, List.of(billing(DeletionReason.ERASURE_REQUEST, asked)), true, true, B,
                        Write.NONE),
                Arguments.of(P, true, true, true, List.of(), false, false, P, Write.NONE),
                Arguments.of(0, false, true, true, List.of(), true, false, 0, Write.NONE));
    }

    @ParameterizedTest
    @MethodSource("erasures")
    void erasure(int flags, boolean held, boolean aPassed, boolean bPassed, List<Deletion> deletions, boolean remove,
            boolean unpark, int after, Write write) {
        Plan p = RetentionRules.onErasure(entry(flags), NOW - 5, facts(held, aPassed, bPassed));
        assertThat(p.deletions()).containsExactlyElementsOf(deletions);
        assertThat(p.removeBefore()).isEqualTo(remove);
        assertThat(p.unpark()).isEqualTo(unpark);
        assertThat(p.after().flags()).isEqualTo(after);
        assertThat(p.write()).isEqualTo(write);
    }

    @Test
    void aReleasedHoldDeletesTheParkedBillingRecordOverdue() {
        Plan kept = RetentionRules.onHoldReleased(entry(P), facts(false, false, true));
        assertThat(kept.deletions()).containsExactly(billing(DeletionReason.HOLD_RELEASED, END + BILLING));
        assertThat(kept.after().flags()).isEqualTo(B);
        assertThat(kept.write()).isEqualTo(Write.UPDATE);
        Plan gone = RetentionRules.onHoldReleased(entry(P), facts(false, true, true));
        assertThat(gone.removeBefore()).isTrue();
        assertThat(gone.write()).isEqualTo(Write.NONE);
        assertThat(RetentionRules.onHoldReleased(entry(0), facts(false, true, true)).deletions()).isEmpty();
    }

    @Test
    void aPolicyChangeMovesTheEntryAndDeletesWhatTheNewWindowPutsInThePast() {
        assertThat(RetentionRules.onPolicyChange(entry(0), BILLING, facts(false, false, false))).isNull();
        // 200 days of billing: nothing is due yet; the entry moves to the new class
        Plan longer = RetentionRules.onPolicyChange(entry(0), 200 * DAY,
                new Conditions(NOW, 200 * DAY, 200 * DAY, false, false, false));
        assertThat(longer.deletions()).isEmpty();
        assertThat(longer.removeBefore()).isTrue();
        assertThat(longer.write()).isEqualTo(Write.ADD);
        assertThat(longer.after().window()).isEqualTo(200 * DAY);
        // From 200 days of billing to 50, 200 of analytics before and 30 now: both go early, for the policy change
        Plan shorter = RetentionRules.onPolicyChange(entry(0).inWindow(200 * DAY), 50 * DAY, new Conditions(NOW, ANALYTICS, 200 * DAY, false, false, false));
        assertThat(shorter.deletions()).containsExactly(billing(DeletionReason.POLICY_CHANGE, END + 50 * DAY),
                analytics(DeletionReason.POLICY_CHANGE, END + ANALYTICS));
        assertThat(shorter.write()).isEqualTo(Write.NONE);
        // From 90 days to 50, 100 days after the call: the old window had closed too
        assertThat(RetentionRules.onPolicyChange(entry(A), 50 * DAY, facts(false, false, false)).deletions())
                .containsExactly(billing(DeletionReason.WINDOW_CLOSED, END + 50 * DAY));
        // held: the billing record is parked in its new class instead, and leaves the old parking spot
        Plan held = RetentionRules.onPolicyChange(entry(P), 50 * DAY, facts(true, true, true));
        assertThat(held.unpark()).isTrue();
        assertThat(held.park()).isTrue();
        assertThat(held.after().flags()).isEqualTo(A | P);
        assertThat(held.write()).isEqualTo(Write.ADD);
    }

    @Test
    void aKeyEpochIsDestroyedOnceEveryCallItCouldHaveMadeIsPastTheAnalyticsWindow() {
        Instant next = Instant.parse("2026-02-01T00:00:00Z");
        Instant closes = RetentionRules.keyEpochCloses(next, Duration.ofDays(30));
        assertThat(closes).isEqualTo(Instant.parse("2026-03-04T00:00:00Z"));
        assertThat(RetentionRules.keyEpochDue(closes, Duration.ofMinutes(1), closes)).isFalse();
        assertThat(RetentionRules.keyEpochDue(closes, Duration.ofMinutes(1), closes.plusSeconds(60))).isTrue();
    }
}
