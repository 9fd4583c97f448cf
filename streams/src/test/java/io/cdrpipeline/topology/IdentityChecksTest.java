package io.cdrpipeline.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.normalize.CallRecord;
import io.cdrpipeline.normalize.ClearNumber;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The two per-record checks next to identity: a reused switch id, and a zone that disagrees with the switch's epoch. */
class IdentityChecksTest {

    @Test
    void shouldFlagASwitchIdSeenBeforeWithOtherCallFactsButNotAResend() {
        SwitchIdReuse reuse = new SwitchIdReuse(3);
        assertThat(reuse.reused("pbx:1714719600.41~0123456789ab")).isFalse();
        assertThat(reuse.reused("pbx:1714719600.41~0123456789ab")).as("the same CDR again").isFalse();
        assertThat(reuse.reused("pbx:1714719600.41~ba9876543210")).as("another CDR, same switch id").isTrue();
        assertThat(reuse.reused("pbx:1714719600.41:7")).as("sequenced ids are unique by the switch").isFalse();
        assertThat(reuse.reused("pbx:sha256:00112233445566778899aabbccddeeff")).isFalse();
        for (int i = 0; i < 3; i++) {
            reuse.reused("pbx:other-" + i + "~0123456789ab");
        }
        assertThat(reuse.reused("pbx:1714719600.41~cccccccccccc")).as("forgotten beyond the capacity").isFalse();
    }

    @Test
    void shouldSuspectTheZoneOnlyForSkewsAZoneExplains() {
        assertThat(ZoneWarnings.suspect(0)).isFalse();
        assertThat(ZoneWarnings.suspect(59)).isFalse();
        assertThat(ZoneWarnings.suspect(-61)).as("a call starting before its channel existed").isTrue();
        assertThat(ZoneWarnings.suspect(-7200)).isTrue();
        assertThat(ZoneWarnings.suspect(3600)).as("usegmtime=yes read as CET").isTrue();
        assertThat(ZoneWarnings.suspect(3600 * 5 + 30 * 60 + 20)).as("a half-hour zone").isTrue();
        assertThat(ZoneWarnings.suspect(437)).as("a transfer minutes into a channel's life").isFalse();
    }

    @Test
    void shouldCountASuspectZonePerSource() {
        IngestMetrics metrics = new IngestMetrics();
        ZoneWarnings warnings = new ZoneWarnings(metrics);
        warnings.check(record("pbx-a", -7200L));
        warnings.check(record("pbx-a", -7200L));
        warnings.check(record("pbx-b", 0L));
        warnings.check(record("pbx-b", null));
        assertThat(metrics.zoneMismatches()).containsExactly(java.util.Map.entry("pbx-a", 2L));
    }

    private static CallRecord record(String source, Long skew) {
        Instant t = Instant.parse("2024-05-03T07:00:00Z");
        return new CallRecord(source + ":1~0123456789ab", source + ":1", source, null, ClearNumber.ABSENT, ClearNumber.ABSENT,
                t, null, t.plusSeconds(5), 5, 0, null, Disposition.NO_ANSWER, null, null, LegRole.UNKNOWN, null, skew);
    }
}
