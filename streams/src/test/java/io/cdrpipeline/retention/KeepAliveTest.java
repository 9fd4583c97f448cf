package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeepAliveTest {

    @Test
    void shouldCoverEveryPartitionOnceWhateverTheCounts() {
        for (int tasks = 1; tasks <= 6; tasks++) {
            for (int partitions = 1; partitions <= 12; partitions++) {
                Set<Integer> covered = new HashSet<>();
                int total = 0;
                for (int t = 0; t < tasks; t++) {
                    Set<Integer> mine = KeepAlive.partitionsOf(t, tasks, partitions);
                    covered.addAll(mine);
                    total += mine.size();
                }
                assertThat(covered).as("%d tasks, %d partitions", tasks, partitions).hasSize(partitions);
                assertThat(total).as("each partition by one task").isEqualTo(partitions);
            }
        }
        assertThat(KeepAlive.partitionsOf(2, 0, 4)).as("task count unknown: every partition").containsExactly(0, 1, 2, 3);
    }

    @Test
    void shouldMulticastOnlyKeepAlivesAndUseAKeyNoRecordCanHave() {
        var partitioner = KeepAlive.<Object>stringPartitioner();
        assertThat(partitioner.partitions("cdr.billing", KeepAlive.key(1, 2), null, 6)).isEqualTo(Optional.of(Set.of(1, 3, 5)));
        assertThat(partitioner.partitions("cdr.billing", "pbx-berlin:1714719600.41~0123456789ab", null, 6)).isEmpty();
        assertThat(KeepAlive.isKeepAlive("cdr-pipeline:keep-alive~0123456789ab")).isFalse();
        assertThat(KeepAlive.key(0, 4)).as("'#' is in no source name, switch id or pseudonym").contains("#");
        assertThat(KeepAlive.isKeepAlive(KeepAlive.keyBytes(3, 4))).isTrue();
        // The repartition topic's byte keys: the same rule.
        var bytes = KeepAlive.<Object>bytesPartitioner();
        assertThat(bytes.partitions("r", KeepAlive.keyBytes(0, 2), null, 4)).isEqualTo(Optional.of(Set.of(0, 2)));
        assertThat(bytes.partitions("r", "pbx-berlin".getBytes(java.nio.charset.StandardCharsets.UTF_8), null, 4)).isEmpty();
        assertThat(bytes.partitions("r", null, null, 4)).isEmpty();
        assertThat(KeepAlive.isKeepAlive((byte[]) null)).isFalse();
        assertThat(KeepAlive.isKeepAlive("pbx-berlin:1714719600.41~0123456789ab".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isFalse();
    }
}
