package io.cdrpipeline.retention;

import org.apache.kafka.common.utils.Bytes;

/**
 * How many entries one task's expiry index holds — one per retained CDR — exactly, not RocksDB's
 * estimate (issue 22: the gauge read 1,063 with 1,077 CDRs retained, and 0 with 4 retained). After
 * the task starts, a counting scan walks the index in bounded steps, one per sweep; entries added
 * or removed meanwhile are counted where the scan has already passed them and left to the scan
 * where it has not, so the figure is exact once the scan has finished, and stays exact from the
 * plans' own additions and removals. Not thread-safe: the stream thread only.
 */
final class IndexCount {

    /** Keys counted per sweep while counting: local reads only. */
    static final int STEP = 100_000;

    private long count;
    /** Where the counting scan stopped (null: at the start); meaningless once counted. */
    private Bytes cursor;
    private boolean counted;

    /** One step of the counting scan; returns whether the count is now exact. */
    boolean step(ExpiryIndex index) {
        if (!counted) {
            ExpiryIndex.KeyCount c = index.countKeys(cursor, STEP);
            count += c.keys();
            if (c.last() == null || c.keys() < STEP) {
                counted = true;
            } else {
                cursor = c.last();
            }
        }
        return counted;
    }

    void added(Bytes key) {
        if (passed(key)) {
            count++;
        }
    }

    void removed(Bytes key) {
        if (passed(key)) {
            count--;
        }
    }

    /** Whether the scan has counted (or will never count) {@code key}: its change is ours to count. */
    private boolean passed(Bytes key) {
        return counted || cursor != null && ExpiryIndex.compare(key, cursor) <= 0;
    }

    long count() {
        return count;
    }

    boolean counted() {
        return counted;
    }
}
