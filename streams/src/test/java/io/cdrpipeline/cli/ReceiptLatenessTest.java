package io.cdrpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** `retention report` counts an aggregated receipt as the records it stands for, not as one. */
class ReceiptLatenessTest {

    @Test
    void shouldWeighEachLatenessByTheRecordsOfItsReceipts() {
        TreeMap<Long, Long> counted = new TreeMap<>();
        counted.put(0L, 1L);          // one receipt of one record, on time
        counted.put(60_000L, 99L);    // one aggregated receipt of 99 records, a minute late

        assertThat(RetentionCommand.Report.pct(counted, 100, 50)).isEqualTo(Duration.ofMinutes(1));
        assertThat(RetentionCommand.Report.pct(counted, 100, 1)).isEqualTo(Duration.ZERO);
    }

    @Test
    void shouldTakeTheNearestRankAtTheTail() {
        TreeMap<Long, Long> counted = new TreeMap<>();
        counted.put(0L, 98L);
        counted.put(60_000L, 1L);
        counted.put(120_000L, 1L);

        assertThat(RetentionCommand.Report.pct(counted, 100, 50)).isZero();
        assertThat(RetentionCommand.Report.pct(counted, 100, 99)).isEqualTo(Duration.ofMinutes(1));
        assertThat(RetentionCommand.Report.pct(counted, 100, 100)).isEqualTo(Duration.ofMinutes(2));
    }
}
