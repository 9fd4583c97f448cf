package io.cdrpipeline.topology;

import io.cdrpipeline.ingest.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the ingest topology, shared by all its tasks: records read, accepted, rejected by
 * reason, and dropped as duplicates. With exactly-once, a transaction that aborts and is retried
 * counts its records again, so these are operational figures; the topics are the books.
 */
public final class IngestMetrics {

    private final LongAdder read = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder pseudonymized = new LongAdder();
    private final LongAdder erasedSuppressed = new LongAdder();
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);

    public IngestMetrics() {
        for (RejectReason r : RejectReason.values()) {
            rejected.put(r, new LongAdder());
        }
    }

    void recordRead() {
        read.increment();
    }

    void recordAccepted() {
        accepted.increment();
    }

    void recordRejected(RejectReason reason) {
        rejected.get(reason).increment();
    }

    void recordDuplicate() {
        duplicates.increment();
    }

    void recordPseudonymized() {
        pseudonymized.increment();
    }

    void recordErasedSuppressed() {
        erasedSuppressed.increment();
    }

    /** Accepted CDRs of erased subjects, billed but kept out of analytics. */
    public long erasedSuppressed() {
        return erasedSuppressed.sum();
    }

    public long read() {
        return read.sum();
    }

    public long accepted() {
        return accepted.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long pseudonymized() {
        return pseudonymized.sum();
    }

    public long rejected(RejectReason reason) {
        return rejected.get(reason).sum();
    }

    public long rejectedTotal() {
        return rejected.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
