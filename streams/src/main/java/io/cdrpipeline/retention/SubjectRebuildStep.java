package io.cdrpipeline.retention;

import java.security.SecureRandom;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * The subject index has no changelog. Before a task uses it, {@link #check} makes sure it is the
 * one this state belongs to (same generation as the logged sweep state), else it is rebuilt from
 * the expiry index in bounded steps — one per sweep, each in its own transaction, so that no
 * transaction outlives its timeout however large the index; erasure requests wait until it is
 * done. A new generation is then recorded in both, so whoever owns the task next is told apart.
 */
final class SubjectRebuildStep {

    /** Subject-index keys cleared or written per sweep step while it is rebuilt. */
    static final int STEP = 50_000;
    private final TaskRetention stores;
    private boolean rebuilding;
    /** Still emptying the old index before writing the new one. */
    private boolean clearing;
    private Bytes cursor;
    private byte[] generation;

    SubjectRebuildStep(TaskRetention stores) {
        this.stores = stores;
    }

    boolean rebuilding() {
        return rebuilding;
    }

    /** Compares generations once, when the task starts; records a new one. */
    void check() {
        byte[] logged = stores.state.subjectGeneration();
        byte[] local = stores.subjectIndex.generation();
        byte[] next = new byte[16];
        new SecureRandom().nextBytes(next);
        if (local == null && stores.subjectIndex.isEmpty() && stores.index.range(null, null, 1).isEmpty()) {
            // A task with nothing indexed yet: nothing to rebuild, and marked now, so that a restart
            // before its first sweep does not take its then-full index for a stale one.
            stores.subjectIndex.mark(next);
        } else if (logged == null || local == null || !Arrays.equals(logged, local)) {
            rebuilding = true;
            clearing = local != null || !stores.subjectIndex.isEmpty();   // a new task has nothing to clear
            cursor = null;
            generation = next;
        } else {
            stores.subjectIndex.mark(next);
        }
        stores.state.subjectGeneration(next);
    }

    /** Clears or writes at most {@code budget} keys and entries (a small index: all of it). */
    void run(int budget) {
        int left = Math.max(1, budget);
        while (clearing && left > 0) {
            int n = stores.subjectIndex.clearStep(left);
            clearing = n == left;
            left -= n;
        }
        while (!clearing && rebuilding && left > 0) {
            int max = Math.min(left, 1000);
            Bytes last = stores.subjectIndex.rebuildStep(stores.index, cursor, max);
            if (last == null) {
                stores.subjectIndex.mark(generation);
                rebuilding = false;
            } else {
                cursor = last;
                left -= max;
            }
        }
    }
}
