package io.cdrpipeline.cli;

import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code retention report} counts from the receipts: records deleted per data class and
 * reason (an aggregated receipt stands for {@code count} records), those that reached the pipeline
 * after their window had closed, the lateness of the others — and, apart, the access exports, which
 * are no deletion (issue 22: two exports were counted as billing deletions). Billing and analytics
 * always have a row, deletions or not.
 */
final class ReceiptTally {

    /** The deletion reasons with a column, in order. */
    static final List<DeletionReason> REASONS = List.of(DeletionReason.WINDOW_CLOSED, DeletionReason.ERASURE_REQUEST,
            DeletionReason.HOLD_RELEASED, DeletionReason.POLICY_CHANGE, DeletionReason.KEY_DESTROYED);

    private final Map<DataClass, Map<DeletionReason, Long>> byReason = new EnumMap<>(DataClass.class);
    private final Map<DataClass, Long> arrivedLate = new EnumMap<>(DataClass.class);
    private final Map<DataClass, TreeMap<Long, Long>> lateness = new EnumMap<>(DataClass.class);
    private long exportRequests;
    private long exportedRecords;

    ReceiptTally() {
        byReason.put(DataClass.BILLING, new EnumMap<>(DeletionReason.class));
        byReason.put(DataClass.ANALYTICS, new EnumMap<>(DeletionReason.class));
    }

    void add(AuditReceipt a) {
        if (a.getReason() == DeletionReason.ACCESS_REQUEST) {
            exportRequests++;
            exportedRecords += a.getCount();
            return;
        }
        byReason.computeIfAbsent(a.getDataClass(), k -> new EnumMap<>(DeletionReason.class))
                .merge(a.getReason(), (long) a.getCount(), Long::sum);
        if (a.getArrivedAfterClose()) {
            arrivedLate.merge(a.getDataClass(), (long) a.getCount(), Long::sum);
            return;
        }
        long late = Math.max(0, Duration.between(a.getWindowClose(), a.getEmittedAt()).toMillis());
        lateness.computeIfAbsent(a.getDataClass(), k -> new TreeMap<>()).merge(late, (long) a.getCount(), Long::sum);
    }

    /** Records of {@code dataClass} deleted for {@code reason}. */
    long deleted(DataClass dataClass, DeletionReason reason) {
        return byReason.getOrDefault(dataClass, Map.of()).getOrDefault(reason, 0L);
    }

    long arrivedAfterClose(DataClass dataClass) {
        return arrivedLate.getOrDefault(dataClass, 0L);
    }

    long exportRequests() {
        return exportRequests;
    }

    long exportedRecords() {
        return exportedRecords;
    }

    void print(PrintStream out) {
        out.printf("%-10s %14s %9s %14s %14s %14s %9s %20s%n", "class", "window closed", "erasure", "hold released",
                "policy change", "key destroyed", "total", "arrived after close");
        byReason.forEach((c, counts) -> {
            long total = counts.values().stream().mapToLong(Long::longValue).sum();
            out.printf("%-10s %14d %9d %14d %14d %14d %9d %20d%n", c, deleted(c, REASONS.get(0)), deleted(c, REASONS.get(1)),
                    deleted(c, REASONS.get(2)), deleted(c, REASONS.get(3)), deleted(c, REASONS.get(4)), total,
                    arrivedAfterClose(c));
        });
        out.println("lateness behind window close (records that arrived after it are counted apart above)");
        out.printf("%-10s %10s %12s %12s %12s%n", "class", "deleted", "p50 late", "p99 late", "max late");
        byReason.keySet().forEach(c -> {
            TreeMap<Long, Long> l = lateness.get(c);
            long n = l == null ? 0 : l.values().stream().mapToLong(Long::longValue).sum();
            out.printf("%-10s %10d %12s %12s %12s%n", c, n, n == 0 ? "-" : RetentionCommand.human(pct(l, n, 50)),
                    n == 0 ? "-" : RetentionCommand.human(pct(l, n, 99)),
                    n == 0 ? "-" : RetentionCommand.human(Duration.ofMillis(l.lastKey())));
        });
        out.printf("access exports (not deletions): %d request(s), %d record(s) exported%n", exportRequests, exportedRecords);
    }

    /** The p-th percentile (nearest rank) of {@code n} records counted per lateness. */
    static Duration pct(TreeMap<Long, Long> counted, long n, int p) {
        long rank = Math.max(1, (long) Math.ceil(p / 100.0 * n));
        long seen = 0;
        for (Map.Entry<Long, Long> e : counted.entrySet()) {
            seen += e.getValue();
            if (seen >= rank) {
                return Duration.ofMillis(e.getKey());
            }
        }
        return Duration.ofMillis(counted.lastKey());
    }
}
