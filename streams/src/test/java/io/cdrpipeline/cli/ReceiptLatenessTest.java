package io.cdrpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** `retention report` counts an aggregated receipt as the records it stands for, not as one; exports apart. */
class ReceiptLatenessTest {

    @Test
    void shouldWeighEachLatenessByTheRecordsOfItsReceipts() {
        TreeMap<Long, Long> counted = new TreeMap<>();
        counted.put(0L, 1L);          // one receipt of one record, on time
        counted.put(60_000L, 99L);    // one aggregated receipt of 99 records, a minute late

        assertThat(ReceiptTally.pct(counted, 100, 50)).isEqualTo(Duration.ofMinutes(1));
        assertThat(ReceiptTally.pct(counted, 100, 1)).isEqualTo(Duration.ZERO);
    }

    /**
     * Issue 22, finding 6: one erasure, four records exported by two access requests, seven records
     * deleted as their window closed (one of them arrived after it): the exports are no deletion, the
     * window-closed deletions have their column, and both classes have a row from the start.
     */
    @Test
    void shouldCountDeletionsByClassAndReasonAndExportsApart() {
        ReceiptTally empty = new ReceiptTally();
        java.io.ByteArrayOutputStream before = new java.io.ByteArrayOutputStream();
        empty.print(new java.io.PrintStream(before, true, java.nio.charset.StandardCharsets.UTF_8));
        assertThat(before.toString(java.nio.charset.StandardCharsets.UTF_8)).as("rows before the first deletion")
                .contains("BILLING", "ANALYTICS", "window closed");

        ReceiptTally t = new ReceiptTally();
        java.time.Instant close = java.time.Instant.parse("2026-12-01T00:00:00Z");
        t.add(receipt(io.cdrpipeline.schema.DeletionReason.ERASURE_REQUEST, 1, false, close));
        t.add(receipt(io.cdrpipeline.schema.DeletionReason.ACCESS_REQUEST, 3, false, close));
        t.add(receipt(io.cdrpipeline.schema.DeletionReason.ACCESS_REQUEST, 1, false, close));
        t.add(receipt(io.cdrpipeline.schema.DeletionReason.WINDOW_CLOSED, 6, false, close));
        t.add(receipt(io.cdrpipeline.schema.DeletionReason.WINDOW_CLOSED, 1, true, close));
        assertThat(t.deleted(io.cdrpipeline.schema.DataClass.BILLING, io.cdrpipeline.schema.DeletionReason.ERASURE_REQUEST))
                .isEqualTo(1);
        assertThat(t.deleted(io.cdrpipeline.schema.DataClass.BILLING, io.cdrpipeline.schema.DeletionReason.WINDOW_CLOSED))
                .isEqualTo(7);
        assertThat(t.deleted(io.cdrpipeline.schema.DataClass.BILLING, io.cdrpipeline.schema.DeletionReason.ACCESS_REQUEST))
                .as("an export is no deletion").isZero();
        assertThat(t.arrivedAfterClose(io.cdrpipeline.schema.DataClass.BILLING)).isEqualTo(1);
        assertThat(t.exportRequests()).isEqualTo(2);
        assertThat(t.exportedRecords()).isEqualTo(4);
    }

    private static io.cdrpipeline.schema.AuditReceipt receipt(io.cdrpipeline.schema.DeletionReason reason, int count,
            boolean late, java.time.Instant close) {
        return io.cdrpipeline.schema.AuditReceipt.newBuilder().setKeyHash("00").setTopic("cdr.billing")
                .setDataClass(io.cdrpipeline.schema.DataClass.BILLING).setCount(count).setPolicyVersion(1).setReason(reason)
                .setWindowClose(close).setEmittedAt(close.plusSeconds(60)).setArrivedAfterClose(late).build();
    }

    @Test
    void shouldTakeTheNearestRankAtTheTail() {
        TreeMap<Long, Long> counted = new TreeMap<>();
        counted.put(0L, 98L);
        counted.put(60_000L, 1L);
        counted.put(120_000L, 1L);

        assertThat(ReceiptTally.pct(counted, 100, 50)).isZero();
        assertThat(ReceiptTally.pct(counted, 100, 99)).isEqualTo(Duration.ofMinutes(1));
        assertThat(ReceiptTally.pct(counted, 100, 100)).isEqualTo(Duration.ofMinutes(2));
    }
}
