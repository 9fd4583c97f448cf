package io.cdrpipeline.topology;

import io.cdrpipeline.ingest.RejectReason;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Counters of the ingest topology, shared by all its tasks: records read, accepted, rejected by
 * reason, and dropped as duplicates. With exactly-once, a transaction that aborts and is retried
 * counts its records again, so these are operational figures; the topics are the books.
 */
public final class IngestMetrics {

    private final LongAdder read = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder duplicates = new LongAdder();
    private final LongAdder resentAfterDeletion = new LongAdder();
    private final LongAdder unansweredBillable = new LongAdder();
    private final LongAdder billingWritten = new LongAdder();
    private final LongAdder pseudonymized = new LongAdder();
    private final LongAdder erasedSuppressed = new LongAdder();
    private final Map<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
    private final LongAdder switchIdReused = new LongAdder();
    private final LongAdder kpiLate = new LongAdder();
    private final LongAdder kpiPublished = new LongAdder();
    private final LongAdder kpiSuppressed = new LongAdder();
    private final Map<String, LongAdder> zoneMismatches = new ConcurrentHashMap<>();

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

    /** A unique billing record passed dedupe and goes to the billing topic. */
    void recordBillingWritten() {
        billingWritten.increment();
    }

    void recordDuplicate() {
        duplicates.increment();
    }

    /** A duplicate whose original had been deleted (erased, closed, released): counted in duplicates too. */
    void recordResentAfterDeletion() {
        resentAfterDeletion.increment();
    }

    /** An unanswered call whose switch logged billable seconds: billed 0, what it logged kept and flagged. */
    void recordUnansweredBillable() {
        unansweredBillable.increment();
    }

    public long unansweredBillable() {
        return unansweredBillable.sum();
    }

    public long resentAfterDeletion() {
        return resentAfterDeletion.sum();
    }

    void recordPseudonymized() {
        pseudonymized.increment();
    }

    void recordErasedSuppressed() {
        erasedSuppressed.increment();
    }

    void recordSwitchIdReused() {
        switchIdReused.increment();
    }

    void recordKpiLate() {
        kpiLate.increment();
    }

    void recordKpiCells(int published, int suppressed) {
        kpiPublished.add(published);
        kpiSuppressed.add(suppressed);
    }

    /** Analytics records for a KPI window already closed: counted, never re-published. */
    public long kpiLate() {
        return kpiLate.sum();
    }

    /** 15-minute KPI cells published (rests included). */
    public long kpiPublished() {
        return kpiPublished.sum();
    }

    /** 15-minute cells whose calls are in no published cell (fewer than k callers after the ladder). */
    public long kpiSuppressed() {
        return kpiSuppressed.sum();
    }

    private volatile Consumer<String> newZoneSource = s -> { };

    void recordZoneMismatch(String source) {
        zoneMismatches.computeIfAbsent(source, s -> {
            newZoneSource.accept(s);
            return new LongAdder();
        }).increment();
    }

    /** Called once per source the first time a zone mismatch is counted for it (to register a meter). */
    public void onZoneMismatchSource(Consumer<String> listener) {
        this.newZoneSource = listener;
        zoneMismatches.keySet().forEach(listener);
    }

    public long zoneMismatches(String source) {
        LongAdder a = zoneMismatches.get(source);
        return a == null ? 0 : a.sum();
    }

    /** CDRs billed under their own key although an earlier CDR had the same switch id. */
    public long switchIdReused() {
        return switchIdReused.sum();
    }

    /** Records whose local stamps disagree with the switch's epoch as a wrong zone would, per source. */
    public Map<String, Long> zoneMismatches() {
        Map<String, Long> m = new TreeMap<>();
        zoneMismatches.forEach((k, v) -> m.put(k, v.sum()));
        return m;
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

    /** Billing records written (after dedupe: what the billing topic received). */
    public long billingWritten() {
        return billingWritten.sum();
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
