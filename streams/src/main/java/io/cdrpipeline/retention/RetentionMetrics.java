package io.cdrpipeline.retention;

import io.cdrpipeline.schema.DataClass;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the retention sweeps: tombstones per data class, worst lateness behind window close, backlog. */
public final class RetentionMetrics {

    private final Map<DataClass, LongAdder> deleted = new EnumMap<>(DataClass.class);
    private final LongAdder sweeps = new LongAdder();
    private final AtomicLong maxLatenessMs = new AtomicLong();
    private final AtomicLong lastIndexSize = new AtomicLong();
    private final AtomicLong largestStep = new AtomicLong();
    private final AtomicLong pendingErasures = new AtomicLong();

    public RetentionMetrics() {
        for (DataClass c : DataClass.values()) {
            deleted.put(c, new LongAdder());
        }
    }

    void recordDeleted(DataClass dataClass, long latenessMs) {
        deleted.get(dataClass).increment();
        maxLatenessMs.accumulateAndGet(latenessMs, Math::max);
    }

    void recordSweep(int deletedNow, long indexSize) {
        sweeps.increment();
        lastIndexSize.set(indexSize);
        largestStep.accumulateAndGet(deletedNow, Math::max);
    }

    public long deleted(DataClass dataClass) {
        return deleted.get(dataClass).sum();
    }

    void recordPendingErasures(long pending) {
        pendingErasures.set(pending);
    }

    /** Erasure-request tokens not yet carried out, as the last sweep saw them. */
    public long pendingErasures() {
        return pendingErasures.get();
    }

    /** The most entries one sweep step deleted. */
    public long largestStep() {
        return largestStep.get();
    }

    public long sweeps() {
        return sweeps.sum();
    }

    public long maxLatenessMs() {
        return maxLatenessMs.get();
    }

    /** Entries left in the expiry index at the last sweep (approximate; RocksDB estimates). */
    public long indexSize() {
        return lastIndexSize.get();
    }
}
