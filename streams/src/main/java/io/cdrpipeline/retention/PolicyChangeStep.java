package io.cdrpipeline.retention;

import java.util.List;
import org.apache.kafka.common.utils.Bytes;

/**
 * After a policy change, moves entries whose source's billing window changed to their new
 * class, a bounded scan per step; the rules delete there and then what the new windows put in
 * the past. While it is under way the window cursors wait (an entry not yet moved would be
 * deleted by a window the policy no longer has).
 */
final class PolicyChangeStep {

    private final TaskRetention stores;

    PolicyChangeStep(TaskRetention stores) {
        this.stores = stores;
    }

    /** Scans at most {@code budget} entries; returns how many it moved. */
    int run(int budget, long now) {
        int version = stores.policy.version();
        Integer filedUnder = stores.state.policyVersion();
        if (filedUnder != null && filedUnder == version) {
            return 0;
        }
        // A cursor left by a pass for another version (interrupted, then the policy changed again) is
        // void: entries before it were never looked at under this version. Start over.
        Bytes cursor = stores.state.reindexCursor(version);
        List<ExpiryIndex.Entry> batch = stores.index.range(cursor, null, budget);
        int moved = 0;
        for (ExpiryIndex.Entry e : batch) {
            RetentionRules.Plan plan = RetentionRules.onPolicyChange(e,
                    stores.policy.billingWindow(e.source()).toMillis(), stores.facts(e, now));
            if (plan != null) {
                moved++;
                stores.apply(plan, now);
            }
        }
        if (batch.size() < budget) {
            stores.state.reindexDone(version);
        } else {
            stores.state.reindexProgress(version, batch.get(batch.size() - 1).key());
        }
        return moved;
    }
}
