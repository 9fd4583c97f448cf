package io.cdrpipeline.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.ingest.RejectReason;
import io.cdrpipeline.ingest.RejectedCdr;
import io.cdrpipeline.ingest.SourceSettings;
import io.cdrpipeline.ingest.SwitchCdr;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class NormalizerTest {

    private static final SourceSettings SOURCE = SourceSettings.defaults("pbx1", "DE", ZoneOffset.UTC);
    private static final Instant T0 = Instant.parse("2024-05-01T10:00:00Z");

    private final Normalizer normalizer = new Normalizer(new NumberNormalizer(100));

    @Test
    void shouldBuildTheRecordIdFromSourceAndSwitchId() throws RejectedCdr {
        CallRecord r = normalizer.normalize(cdr("1714557600.3", T0, T0.plusSeconds(5), T0.plusSeconds(65), 65L, 60L), SOURCE, "x");

        assertThat(r.recordId()).isEqualTo("pbx1:1714557600.3");
        assertThat(r.calling()).isEqualTo(new ClearNumber(NumberType.EXTENSION, "201"));
        assertThat(r.called()).isEqualTo(new ClearNumber(NumberType.E164, "+493012345678"));
        assertThat(r.billableSeconds()).isEqualTo(60);
    }

    @Test
    void shouldDigestTheLineWhenTheSwitchGivesNoIdStableAcrossTrailingWhitespace() throws RejectedCdr {
        SwitchCdr c = cdr(null, T0, null, T0.plusSeconds(30), 30L, 0L);
        String a = normalizer.normalize(c, SOURCE, "\"line\",1").recordId();
        String b = normalizer.normalize(c, SOURCE, "\"line\",1 \r").recordId();
        String other = normalizer.normalize(c, SOURCE, "\"line\",2").recordId();

        assertThat(a).startsWith("pbx1:sha256:").hasSize("pbx1:sha256:".length() + 32).isEqualTo(b).isNotEqualTo(other);
    }

    @Test
    void shouldRejectStructurallyImpossibleRecords() {
        assertRejected(cdr("1", T0, null, T0.minusSeconds(1), 0L, 0L), "end time before start time");
        assertRejected(cdr("1", T0, T0.minusSeconds(1), T0.plusSeconds(9), 10L, 0L), "answer time outside the call");
        assertRejected(cdr("1", T0, null, T0.plusSeconds(9), -1L, 0L), "negative duration");
        assertRejected(cdr("1", T0, T0, T0.plusSeconds(9), 10L, 20L), "billable seconds exceed duration");
    }

    @Test
    void shouldCallABlankCallerWithheld() throws RejectedCdr {
        SwitchCdr c = new SwitchCdr("1", null, "", "201", T0, null, T0.plusSeconds(1), 1L, 0L,
                Disposition.NO_ANSWER, null, null, LegRole.UNKNOWN, null);
        assertThat(normalizer.normalize(c, SOURCE, "x").calling()).isEqualTo(ClearNumber.WITHHELD);
    }

    private void assertRejected(SwitchCdr c, String reason) {
        assertThatThrownBy(() -> normalizer.normalize(c, SOURCE, "x"))
                .isInstanceOf(RejectedCdr.class).hasMessage(reason)
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.IMPOSSIBLE);
    }

    private static SwitchCdr cdr(String id, Instant start, Instant answer, Instant end, Long duration, Long billsec) {
        return new SwitchCdr(id, "acct", "201", "03012345678", start, answer, end, duration, billsec,
                Disposition.ANSWERED, null, null, LegRole.ORIGINATING, id);
    }
}
