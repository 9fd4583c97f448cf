package io.cdrpipeline.retention;

import io.cdrpipeline.schema.DataClass;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.TreeMap;

/**
 * What the retention sweeps did, for all tasks of an instance: tombstones per data class, each
 * deletion's lateness behind its window close (handed to a listener — the ops layer's Timer), and
 * per-task figures kept per task and summed, so that one task's sweep does not overwrite another's:
 * expiry-index entries, pending erasure requests, and whether the task's last sweep stopped at its
 * budget with due work left (its backlog).
 */
public final class RetentionMetrics {

    private final Map<DataClass, LongAdder> deleted = new EnumMap<>(DataClass.class);
    private final LongAdder sweeps = new LongAdder();
    private final AtomicLong maxLatenessMs = new AtomicLong();
    private final AtomicLong largestStep = new AtomicLong();
    private final Map<String, Long> indexEntries = new ConcurrentHashMap<>();
    private final Map<String, Long> pendingErasures = new ConcurrentHashMap<>();
    private final Map<String, Boolean> behind = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> controlSkipped = new ConcurrentHashMap<>();
    private volatile LongConsumer lateness = ms -> { };

    public RetentionMetrics() {
        for (DataClass c : DataClass.values()) {
            deleted.put(c, new LongAdder());
        }
    }

    /** Where each deletion's lateness (ms) goes, e.g. a Micrometer Timer with percentiles. */
    public void onLateness(LongConsumer listener) {
        this.lateness = listener;
    }

    void recordDeleted(DataClass dataClass, long latenessMs) {
        deleted.get(dataClass).increment();
        maxLatenessMs.accumulateAndGet(latenessMs, Math::max);
        lateness.accept(Math.max(0, latenessMs));
    }

    void recordSweep(String task, int visited, long indexSize, boolean stoppedAtBudget) {
        sweeps.increment();
        largestStep.accumulateAndGet(visited, Math::max);
        indexEntries.put(task, indexSize);
        behind.put(task, stoppedAtBudget);
    }

    void recordPendingErasures(String task, long pending) {
        pendingErasures.put(task, pending);
    }

    /** A control record (request, hold) that cannot be used was skipped by the mirror of {@code store}. */
    void recordControlSkipped(String store) {
        controlSkipped.computeIfAbsent(store, s -> new LongAdder()).increment();
    }

    /** Control records skipped per mirror (store name): undecodable or of an unknown contract version. */
    public Map<String, Long> controlSkipped() {
        Map<String, Long> out = new TreeMap<>();
        controlSkipped.forEach((store, n) -> out.put(store, n.sum()));
        return out;
    }

    /** A task closed (moved to another instance): its figures are no longer this instance's. */
    void forget(String task) {
        indexEntries.remove(task);
        pendingErasures.remove(task);
        behind.remove(task);
    }

    public long deleted(DataClass dataClass) {
        return deleted.get(dataClass).sum();
    }

    /** Erasure-request tokens not yet carried out, summed over this instance's tasks (as their last sweeps saw them). */
    public long pendingErasures() {
        return pendingErasures.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Entries in the expiry indexes of this instance's tasks (one per retained CDR; RocksDB's estimate). */
    public long indexEntries() {
        return indexEntries.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Tasks whose last sweep stopped at its budget with due work left: the sweep is behind there. */
    public long tasksBehind() {
        return behind.values().stream().filter(b -> b).count();
    }

    /** The most entries one sweep step visited. */
    public long largestStep() {
        return largestStep.get();
    }

    public long sweeps() {
        return sweeps.sum();
    }

    /** The worst lateness since start (tests and the bench; the exported figure is the lateness Timer). */
    public long maxLatenessMs() {
        return maxLatenessMs.get();
    }
}
