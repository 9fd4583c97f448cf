package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.schema.DataClass;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-task figures are summed over tasks, not overwritten by whichever task swept last. */
class RetentionMetricsTest {

    @Test
    void perTaskFiguresAreSummedAndForgottenWithTheirTask() {
        RetentionMetrics m = new RetentionMetrics();
        m.recordSweep("0_0", 5, 100, false);
        m.recordSweep("0_1", 10_000, 250, true);
        m.recordSweep("0_0", 3, 90, false);                 // the same task again: its own figure replaced
        m.recordPendingErasures("0_0", 2);
        m.recordPendingErasures("0_1", 1);
        assertThat(m.indexEntries()).isEqualTo(340);
        assertThat(m.tasksBehind()).isEqualTo(1);
        assertThat(m.pendingErasures()).isEqualTo(3);
        assertThat(m.largestStep()).isEqualTo(10_000);
        m.forget("0_1");
        assertThat(m.indexEntries()).isEqualTo(90);
        assertThat(m.tasksBehind()).isZero();
        assertThat(m.pendingErasures()).isEqualTo(2);
    }

    @Test
    void everyDeletionsLatenessReachesTheListener() {
        RetentionMetrics m = new RetentionMetrics();
        List<Long> seen = new ArrayList<>();
        m.onLateness(seen::add);
        m.recordDeleted(DataClass.BILLING, 1500);
        m.recordDeleted(DataClass.ANALYTICS, -20);          // deleted before its deadline: not late
        assertThat(seen).containsExactly(1500L, 0L);
        assertThat(m.deleted(DataClass.BILLING)).isEqualTo(1);
        assertThat(m.maxLatenessMs()).isEqualTo(1500);
    }
}
