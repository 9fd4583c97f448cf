package io.cdrpipeline.retention;

import io.cdrpipeline.schema.DataClass;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;

/**
 * The common case of deletion: per window class, two cursors — analytics up to
 * {@code now - analytics window}, billing up to {@code now - billing window} — move through the
 * expiry index in call-end order, and what they pass is due.
 */
final class WindowCursorStep {

    private final TaskRetention stores;

    WindowCursorStep(TaskRetention stores) {
        this.stores = stores;
    }

    /** Moves every class's cursors as far as {@code budget} entries allow; returns the entries visited. */
    int run(int budget, long now) {
        int used = 0;
        ExpiryIndex index = stores.index;
        for (long w = index.nextWindow(-1); w >= 0 && used < budget; w = index.nextWindow(w)) {
            used += advance(w, DataClass.ANALYTICS, now - stores.analyticsWindow(), budget - used, now);
            if (used < budget) {
                used += advance(w, DataClass.BILLING, now - w, budget - used, now);
            }
        }
        return used;
    }

    /** Moves one cursor of one class up to call end {@code target}, visiting at most {@code max} entries. */
    private int advance(long window, DataClass kind, long target, int max, long now) {
        SweepState state = stores.state;
        Bytes cursor = state.cursor(kind, window);
        Bytes to = ExpiryIndex.bound(window, target);
        if (cursor != null && ExpiryIndex.compare(cursor, to) >= 0) {
            return 0;
        }
        List<ExpiryIndex.Entry> due = stores.index.range(cursor == null ? ExpiryIndex.start(window) : cursor, to, max);
        for (ExpiryIndex.Entry e : due) {
            state.moveCursor(kind, window, e.key());
            RetentionRules.Conditions facts = stores.facts(e, now);
            stores.apply(kind == DataClass.ANALYTICS ? RetentionRules.onAnalyticsCursor(e, facts)
                    : RetentionRules.onBillingCursor(e, facts), now);
        }
        if (due.size() < max) {
            state.moveCursor(kind, window, to);
        }
        state.saveCursor(kind, window);
        return due.size();
    }
}
