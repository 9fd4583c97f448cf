package io.cdrpipeline.retention;

import java.util.List;

/** Deletes, overdue, the billing records parked under accounts whose holds have all been released. */
final class ReleaseStep {

    private final TaskRetention stores;

    ReleaseStep(TaskRetention stores) {
        this.stores = stores;
    }

    /** Returns the parked records it looked at (at most {@code budget}). */
    int run(int budget, long now) {
        List<HeldIndex.Parked> released = stores.held.released(stores.subjects::held, budget);
        for (HeldIndex.Parked p : released) {
            stores.held.remove(p.account(), p.indexKey());
            ExpiryIndex.Entry e = stores.index.get(p.indexKey());
            if (e != null) {
                stores.apply(RetentionRules.onHoldReleased(e, stores.facts(e, now)), now);
            }
        }
        return released.size();
    }
}
