package io.cdrpipeline.retention;

import java.time.Duration;
import java.util.Map;
import io.cdrpipeline.schema.DataClass;

/**
 * The worst-case time from a record's window closing to its bytes being physically gone from one
 * topic, computed from the topic's effective configs. Compacted topics: the sweep interval (the
 * tombstone is written), the commit interval, {@code segment.ms} (the tombstone's segment rolls
 * and becomes cleanable), {@code max.compaction.lag.ms} (the cleaner must run), the cleaner's
 * back-off, and {@code delete.retention.ms} (the tombstone itself goes). Delete-policy topics:
 * {@code retention.ms} (erasure does not reach them: a record goes by age), {@code segment.ms}
 * and the broker's retention check interval. Repartition topics are purged by Kafka Streams
 * after each commit, independent of any window. Every kind adds {@code file.delete.delay.ms}
 * (a deleted segment's file lingers that long); compaction waits for the larger of the
 * compaction lags; a broker with the cleaner off never compacts.
 */
public final class DeletionBound {

    /** Broker defaults where a topic or broker gives no value. */
    public static final long DEFAULT_RETENTION_CHECK_MS = 300_000;
    public static final long DEFAULT_CLEANER_BACKOFF_MS = 15_000;
    public static final long DEFAULT_PURGE_INTERVAL_MS = 30_000;
    public static final long DEFAULT_FILE_DELETE_DELAY_MS = 60_000;
    private static final long COMMIT_INTERVAL_MS = 100;

    private DeletionBound() {
    }

    /** What a topic holds and so which rule applies. */
    /**
     * What a topic holds and so which rule applies. {@code RECEIPTS}: deleted by age and holding no
     * personal data (the audit topic) — its records must go within the limit after their own window
     * ({@code retention.ms} no longer than the policy's audit window), not within the limit of arriving.
     */
    public enum Kind { COMPACTED, DELETE_BY_AGE, REPARTITION, RECEIPTS, ANONYMOUS, CHECKPOINTS, LOCAL_STORES }

    /** One topic's verdict: its worst case and whether it fits the policy's limit. */
    public record Finding(String topic, Kind kind, Duration worstCase, Duration limit, String why) {

        public boolean ok() {
            return worstCase.compareTo(limit) <= 0;
        }
    }

    /** {@code broker} holds broker settings and, if configured, the Streams {@code repartition.purge.interval.ms}. */
    public static Finding of(String topic, Kind kind, Map<String, String> configs, Map<String, String> broker,
            RetentionPolicy policy) {
        long segment = number(configs, "segment.ms", 604_800_000L);
        // A deleted or cleaned segment's file lingers (*.deleted) this long before it leaves the disk.
        long fileDelete = number(configs, "file.delete.delay.ms", DEFAULT_FILE_DELETE_DELAY_MS);
        long worst;
        String why;
        switch (kind) {
            case COMPACTED -> {
                String cleanup = configs.getOrDefault("cleanup.policy", "delete");
                if (!cleanup.contains("compact")) {
                    return new Finding(topic, kind, Duration.ofMillis(Long.MAX_VALUE), policy.maxErasureDelay(),
                            "cleanup.policy=" + cleanup + ": tombstones never remove older values");
                }
                if ("false".equalsIgnoreCase(broker.get("log.cleaner.enable"))) {
                    return new Finding(topic, kind, Duration.ofMillis(Long.MAX_VALUE), policy.maxErasureDelay(),
                            "log.cleaner.enable=false on the broker: nothing is ever compacted");
                }
                long maxLag = number(configs, "max.compaction.lag.ms", Long.MAX_VALUE);
                // A record younger than min.compaction.lag.ms is not compacted even when the max lag forces a clean.
                long lag = Math.max(maxLag, number(configs, "min.compaction.lag.ms", 0));
                long tombstone = number(configs, "delete.retention.ms", 86_400_000L);
                long backoff = number(broker, "log.cleaner.backoff.ms", DEFAULT_CLEANER_BACKOFF_MS);
                worst = sum(policy.sweepInterval().toMillis(), COMMIT_INTERVAL_MS, segment, lag, backoff, tombstone, fileDelete);
                why = "sweep " + policy.sweepInterval().toMillis() + " + segment.ms " + segment
                        + " + max(max.compaction.lag.ms, min.compaction.lag.ms) " + lag + " + cleaner back-off " + backoff
                        + " + delete.retention.ms " + tombstone + " + file.delete.delay.ms " + fileDelete;
            }
            case DELETE_BY_AGE -> {
                String cleanup = configs.getOrDefault("cleanup.policy", "delete");
                if (!cleanup.contains("delete")) {
                    return new Finding(topic, kind, Duration.ofMillis(Long.MAX_VALUE), policy.maxErasureDelay(),
                            "cleanup.policy=" + cleanup + ": nothing is deleted by age");
                }
                long check = number(broker, "log.retention.check.interval.ms", DEFAULT_RETENTION_CHECK_MS);
                // Erasure does not reach these topics: a subject's record goes when its age passes retention.ms.
                long retention = number(configs, "retention.ms", Long.MAX_VALUE);
                worst = sum(retention, segment, check, fileDelete);
                why = "retention.ms " + retention + " + segment.ms " + segment + " + retention check " + check
                        + " + file.delete.delay.ms " + fileDelete;
            }
            case RECEIPTS, ANONYMOUS, CHECKPOINTS -> {
                // No personal data (receipts, KPI cells, checkpoints): kept for their own window, then gone by age.
                DataClass cls = kind == Kind.RECEIPTS ? DataClass.AUDIT : kind == Kind.ANONYMOUS ? DataClass.KPI
                        : DataClass.CHECKPOINT;
                String what = kind == Kind.CHECKPOINTS ? "checkpoints" : cls.name().toLowerCase(java.util.Locale.ROOT);
                long window = policy.window(cls).toMillis();
                long retention = number(configs, "retention.ms", Long.MAX_VALUE);
                if (!configs.getOrDefault("cleanup.policy", "delete").contains("delete") || retention > window) {
                    return new Finding(topic, kind, Duration.ofMillis(Long.MAX_VALUE), policy.maxErasureDelay(),
                            "must go by age within the " + what + " window " + window + ": retention.ms " + retention);
                }
                long check = number(broker, "log.retention.check.interval.ms", DEFAULT_RETENTION_CHECK_MS);
                worst = sum(segment, check, fileDelete);
                why = "after retention.ms " + retention + " (≤ " + what + " window): segment.ms " + segment
                        + " + retention check " + check + " + file.delete.delay.ms " + fileDelete;
            }
            default -> {
                long check = number(broker, "log.retention.check.interval.ms", DEFAULT_RETENTION_CHECK_MS);
                long purge = number(broker, "repartition.purge.interval.ms", DEFAULT_PURGE_INTERVAL_MS);
                worst = sum(COMMIT_INTERVAL_MS, purge, segment, check, fileDelete);
                why = "purged after commit: purge interval " + purge + " + segment.ms " + segment
                        + " + retention check " + check + " + file.delete.delay.ms " + fileDelete;
            }
        }
        return new Finding(topic, kind, Duration.ofMillis(worst), policy.maxErasureDelay(), why);
    }

    /**
     * How long Kafka Streams leaves the state directory of a task that moved to another instance:
     * half the purge step (a stale directory goes within two cleaner periods), at most Streams'
     * 10-minute default. The application sets {@code state.cleanup.delay.ms} to it unless the user did.
     */
    public static long stateCleanupDelay(RetentionPolicy policy) {
        return Math.min(600_000, policy.purgeStep().toMillis() / 2);
    }

    /**
     * The state directories of the instances: each active task purges what its sweeps deleted once
     * per purge step, each instance's maintenance purges its standby replicas' stores (which delete
     * as they restore) once they have been idle a step, and a task that moved away leaves a directory
     * that Streams deletes within two cleanup delays ({@code cleanupDelayMs}).
     */
    public static Finding localStores(RetentionPolicy policy, long cleanupDelayMs) {
        Duration worst = policy.purgeStep().plus(policy.sweepInterval())
                .plusMillis(Math.max(0, 2 * cleanupDelayMs - policy.purgeStep().toMillis()));
        return new Finding("(state directory)", Kind.LOCAL_STORES, worst, policy.maxErasureDelay(),
                "active and standby stores: sweep " + policy.sweepInterval().toMillis() + " + max(purge step "
                        + policy.purgeStep().toMillis() + ", 2 x state.cleanup.delay.ms " + cleanupDelayMs + ")");
    }

    private static long number(Map<String, String> configs, String key, long fallback) {
        String v = configs.get(key);
        try {
            return v == null || v.isBlank() ? fallback : Long.parseLong(v.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static long sum(long... parts) {
        long total = 0;
        for (long p : parts) {
            total = p < 0 || Long.MAX_VALUE - total < p ? Long.MAX_VALUE : total + p;
        }
        return total;
    }
}
