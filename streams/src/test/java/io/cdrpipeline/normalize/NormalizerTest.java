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
    void shouldBuildTheRecordIdFromSourceSwitchIdAndADigestOfTheCallFacts() throws RejectedCdr {
        CallRecord r = normalizer.normalize(cdr("1714557600.3", T0, T0.plusSeconds(5), T0.plusSeconds(65), 65L, 60L), SOURCE, "x");

        // 48 bits of SHA-256 over the facts the adapter read ("facts" here), computed independently.
        assertThat(r.recordId()).isEqualTo("pbx1:1714557600.3~" + sha256Hex("facts").substring(0, 12));
        assertThat(r.switchIdentity()).isEqualTo("pbx1:1714557600.3");
        assertThat(r.calling()).isEqualTo(new ClearNumber(NumberType.EXTENSION, "201", "201", null));
        assertThat(r.called()).isEqualTo(new ClearNumber(NumberType.E164, "+493012345678", "03012345678", true));
        assertThat(r.billableSeconds()).isEqualTo(60);
    }

    @Test
    void shouldGiveCdrsSharingASwitchIdTheirOwnKeysAndAResendTheSameKey() throws RejectedCdr {
        SwitchCdr noAnswer = withFacts(cdr("1714557600.3", T0, null, T0.plusSeconds(20), 20L, 0L), "NO ANSWER|PJSIP/a");
        SwitchCdr answered = withFacts(cdr("1714557600.3", T0, T0.plusSeconds(3), T0.plusSeconds(90), 90L, 87L), "ANSWERED|PJSIP/b");

        String first = normalizer.normalize(noAnswer, SOURCE, "line a").recordId();
        String second = normalizer.normalize(answered, SOURCE, "line b").recordId();
        String resend = normalizer.normalize(noAnswer, SOURCE, "line a, resent").recordId();

        assertThat(first).isNotEqualTo(second).isEqualTo(resend);
        assertThat(RecordIds.partitionKey(normalizer.normalize(noAnswer, SOURCE, "a").switchIdentity()))
                .as("CDRs sharing a switch id share a partition").isEqualTo(
                        RecordIds.partitionKey(normalizer.normalize(answered, SOURCE, "b").switchIdentity()));
    }

    @Test
    void shouldUseTheSwitchSequenceWhereTheBackendLogsIt() throws RejectedCdr {
        SwitchCdr c = cdr("1714557600.3", T0, null, T0.plusSeconds(20), 20L, 0L);
        SwitchCdr sequenced = new SwitchCdr(c.switchId(), "7", c.identityFacts(), c.account(), c.callingRaw(), c.calledRaw(),
                c.start(), c.answer(), c.end(), c.durationSeconds(), c.billableSeconds(), c.disposition(), null, null,
                c.legRole(), c.switchCallId(), null);
        assertThat(normalizer.normalize(sequenced, SOURCE, "x").recordId()).isEqualTo("pbx1:1714557600.3:7");
    }

    @Test
    void shouldRejectAPartyTooLongToBeOne() {
        SwitchCdr c = cdr("1", T0, null, T0.plusSeconds(5), 5L, 0L);
        SwitchCdr longParty = new SwitchCdr("1", null, "f", null, "9".repeat(257), "201", T0, null, T0.plusSeconds(5), 5L,
                0L, Disposition.NO_ANSWER, null, null, LegRole.UNKNOWN, null, null);
        assertThatThrownBy(() -> normalizer.normalize(longParty, SOURCE, "x")).isInstanceOf(RejectedCdr.class)
                .hasMessage("calling party is longer than 256 characters")
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.BAD_PARTY);
        assertThat(c).isNotNull();
    }

    private static SwitchCdr withFacts(SwitchCdr c, String facts) {
        return new SwitchCdr(c.switchId(), null, facts, c.account(), c.callingRaw(), c.calledRaw(), c.start(), c.answer(),
                c.end(), c.durationSeconds(), c.billableSeconds(), c.disposition(), null, null, c.legRole(),
                c.switchCallId(), null);
    }

    private static String sha256Hex(String s) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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

    /**
     * Issue 22, finding 5: one rule for absent parties, calling and called alike — blank (or only a
     * display name) is no party (NONE); a privacy marker, in any case, is WITHHELD.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "[{0}] is {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL | NONE", "'' | NONE", "'   ' | NONE", "\"Jane Roe\" | NONE", "anonymous | WITHHELD",
            "Anonymous | WITHHELD", "ANONYMOUS | WITHHELD", "restricted | WITHHELD", "Restricted | WITHHELD",
            "unknown | WITHHELD", "private | WITHHELD", "withheld | WITHHELD", "unavailable | WITHHELD",
            "sip:anonymous@anonymous.invalid | WITHHELD", "\"Anonymous\" <sip:anonymous@pbx.example> | WITHHELD"})
    void shouldReadAnAbsentOrWithheldPartyAlikeOnBothSides(String logged, NumberType type) throws RejectedCdr {
        SwitchCdr asCaller = new SwitchCdr("1", null, "f", null, logged, "201", T0, null, T0.plusSeconds(1), 1L, 0L,
                Disposition.NO_ANSWER, null, null, LegRole.UNKNOWN, null, null);
        SwitchCdr asCalled = new SwitchCdr("1", null, "f", null, "201", logged, T0, null, T0.plusSeconds(1), 1L, 0L,
                Disposition.NO_ANSWER, null, null, LegRole.UNKNOWN, null, null);
        ClearNumber calling = normalizer.normalize(asCaller, SOURCE, "x").calling();
        ClearNumber called = normalizer.normalize(asCalled, SOURCE, "x").called();
        assertThat(calling.type()).isEqualTo(type);
        assertThat(called).isEqualTo(calling);
        assertThat(calling.value()).isNull();
    }

    /** Issue 22, finding 4: an unanswered call bills nothing; what the switch logged is kept beside it, flagged. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = Disposition.class, names = {"BUSY", "NO_ANSWER", "FAILED",
            "CONGESTION", "CANCELLED"})
    void shouldBillNothingForAnUnansweredCallWhateverWasLogged(Disposition disposition) throws RejectedCdr {
        SwitchCdr c = new SwitchCdr("1", null, "f", null, "201", "03012345678", T0, null, T0.plusSeconds(72), 72L, 72L,
                disposition, null, null, LegRole.ORIGINATING, null, null);
        io.cdrpipeline.schema.BillingRecord b = normalizer.normalize(c, SOURCE, "x").toBilling();
        assertThat(b.getBillableSeconds()).isZero();
        assertThat(b.getBillableCorrected()).isTrue();
        assertThat(b.getLoggedBillableSeconds()).isEqualTo(72L);
        assertThat(b.getDurationSeconds()).isEqualTo(72L);
    }

    @Test
    void shouldKeepTheBillableSecondsOfAnAnsweredCall() throws RejectedCdr {
        io.cdrpipeline.schema.BillingRecord b = normalizer.normalize(cdr("1", T0, T0.plusSeconds(5), T0.plusSeconds(65), 65L,
                60L), SOURCE, "x").toBilling();
        assertThat(b.getBillableSeconds()).isEqualTo(60L);
        assertThat(b.getBillableCorrected()).isFalse();
        assertThat(b.getLoggedBillableSeconds()).isNull();
    }

    private void assertRejected(SwitchCdr c, String reason) {
        assertThatThrownBy(() -> normalizer.normalize(c, SOURCE, "x"))
                .isInstanceOf(RejectedCdr.class).hasMessage(reason)
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.IMPOSSIBLE);
    }

    private static SwitchCdr cdr(String id, Instant start, Instant answer, Instant end, Long duration, Long billsec) {
        return new SwitchCdr(id, null, "facts", "acct", "201", "03012345678", start, answer, end, duration, billsec,
                Disposition.ANSWERED, null, null, LegRole.ORIGINATING, id, null);
    }
}
