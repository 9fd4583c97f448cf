package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AsteriskCsvAdapterTest {

    private static final SourceSettings BERLIN = SourceSettings.defaults("pbx1", "DE", ZoneId.of("Europe/Berlin"));
    private static final SourceSettings UTC = SourceSettings.defaults("pbx1", "DE", ZoneOffset.UTC);
    private static final String BASE = "\"acct-7\",\"201\",\"0612345678\",\"from-internal\",\"\"\"Desk, Front\"\" <201>\","
            + "\"PJSIP/201-00000003\",\"PJSIP/out-00000004\",\"Dial\",\"PJSIP/0612345678@out,60,tT\","
            + "\"2024-05-01 10:00:00\",\"2024-05-01 10:00:05\",\"2024-05-01 10:01:05\",65,60,\"ANSWERED\",\"BILLING\"";

    private final AsteriskCsvAdapter adapter = new AsteriskCsvAdapter();

    @Test
    void shouldReadSixteenColumnsWithQuotedCommasInClidAndLastdata() throws RejectedCdr {
        SwitchCdr cdr = adapter.parse(BASE, UTC);

        assertThat(cdr.account()).isEqualTo("acct-7");
        assertThat(cdr.callingRaw()).isEqualTo("201");
        assertThat(cdr.calledRaw()).isEqualTo("0612345678");
        assertThat(cdr.start()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(cdr.answer()).isEqualTo(Instant.parse("2024-05-01T10:00:05Z"));
        assertThat(cdr.end()).isEqualTo(Instant.parse("2024-05-01T10:01:05Z"));
        assertThat(cdr.durationSeconds()).isEqualTo(65);
        assertThat(cdr.billableSeconds()).isEqualTo(60);
        assertThat(cdr.disposition()).isEqualTo(Disposition.ANSWERED);
        assertThat(cdr.legRole()).isEqualTo(LegRole.ORIGINATING);
        assertThat(cdr.switchId()).as("16 columns carry no uniqueid").isNull();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "17 with loguniqueid      | ,\"1714557600.3\"                           | 1714557600.3   | 1714557600.3",
        "17 with uniqueid+system  | ,\"pbx-a-1714557600.3\"                     | pbx-a-1714557600.3 | pbx-a-1714557600.3",
        "17 with loguserfield     | ,\"project-x\"                              |                |",
        "18 both                  | ,\"1714557600.3\",\"vip\"                   | 1714557600.3   | 1714557600.3",
        "19 newcdrcolumns only    | ,\"\",\"1714557600.1\",7                    |                | 1714557600.1",
        "20 uniqueid+newcdr       | ,\"1714557600.3\",\"\",\"1714557600.1\",7   | 1714557600.3:7 | 1714557600.1",
        "21 all                   | ,\"1714557600.3\",\"\",\"\",\"1714557600.1\",7 | 1714557600.3:7 | 1714557600.1",
    })
    void shouldReadEveryColumnVariant(String variant, String extra, String uniqueId, String callId) throws RejectedCdr {
        SwitchCdr cdr = adapter.parse(BASE + extra.strip(), UTC);

        String id = cdr.switchId() == null || cdr.sequence() == null ? cdr.switchId() : cdr.switchId() + ":" + cdr.sequence();
        assertThat(id).isEqualTo(blankToNull(uniqueId));
        assertThat(cdr.switchCallId()).isEqualTo(blankToNull(callId));
        assertThat(cdr.billableSeconds()).isEqualTo(60);
    }

    @Test
    void shouldReadEmptyUnquotedAnswerTimeAsUnanswered() throws RejectedCdr {
        String line = "\"\",\"201\",\"0612345678\",\"default\",\"\"\"Desk\"\" <201>\",\"PJSIP/201-00000003\",\"\","
                + "\"Dial\",\"PJSIP/0612345678@out\",\"2024-05-01 10:00:00\",,\"2024-05-01 10:00:30\",30,0,"
                + "\"NO ANSWER\",\"DOCUMENTATION\",\"1714557600.3\",\"\"";

        SwitchCdr cdr = adapter.parse(line, UTC);

        assertThat(cdr.answer()).isNull();
        assertThat(cdr.account()).isNull();
        assertThat(cdr.disposition()).isEqualTo(Disposition.NO_ANSWER);
        assertThat(cdr.billableSeconds()).isZero();
    }

    @Test
    void shouldKeepDoubledQuotesInsideAFieldAsOneQuote() throws RejectedCdr {
        String line = BASE.replace("\"PJSIP/0612345678@out,60,tT\"", "\"hello \"\"world\"\", again\"");
        SwitchCdr cdr = adapter.parse(line, UTC);
        assertThat(cdr.calledRaw()).isEqualTo("0612345678");
        assertThat(cdr.end()).isEqualTo(Instant.parse("2024-05-01T10:01:05Z"));
    }

    @Test
    void shouldResolveLocalTimesAcrossTheSpringForwardSwitch() throws RejectedCdr {
        // Europe/Berlin jumps 02:00 CET -> 03:00 CEST on 2024-03-31: 112 s of call span the gap.
        String line = "\"acct-7\",\"4930123456\",\"0049891234567\",\"from-internal\",\"\"\"Alice Example\"\" <4930123456>\","
                + "\"SIP/trunk1-0000001a\",\"SIP/carrier-0000001b\",\"Dial\",\"SIP/carrier/0049891234567,60,tT\","
                + "\"2024-03-31 01:59:10\",\"2024-03-31 01:59:14\",\"2024-03-31 03:01:02\",112,108,\"ANSWERED\","
                + "\"BILLING\",\"1711850350.26\",\"\"";

        SwitchCdr cdr = adapter.parse(line, BERLIN);

        assertThat(cdr.start()).isEqualTo(Instant.parse("2024-03-31T00:59:10Z"));
        assertThat(cdr.answer()).isEqualTo(Instant.parse("2024-03-31T00:59:14Z"));
        assertThat(cdr.end()).isEqualTo(Instant.parse("2024-03-31T01:01:02Z"));
        assertThat(cdr.end().getEpochSecond() - cdr.start().getEpochSecond()).isEqualTo(112);
    }

    @Test
    void shouldUseTheDurationToPickOffsetsInTheFallBackHourThatHappensTwice() throws RejectedCdr {
        // 2024-10-27: 03:00 CEST -> 02:00 CET. A 20-minute call from 02:50 (CEST) ends at 02:10 (CET).
        String line = BASE.replace("\"2024-05-01 10:00:00\",\"2024-05-01 10:00:05\",\"2024-05-01 10:01:05\",65,60",
                "\"2024-10-27 02:50:00\",\"2024-10-27 02:50:05\",\"2024-10-27 02:10:00\",1200,1195");

        SwitchCdr cdr = adapter.parse(line, BERLIN);

        assertThat(cdr.start()).isEqualTo(Instant.parse("2024-10-27T00:50:00Z"));
        assertThat(cdr.answer()).isEqualTo(Instant.parse("2024-10-27T00:50:05Z"));
        assertThat(cdr.end()).isEqualTo(Instant.parse("2024-10-27T01:10:00Z"));
    }

    @Test
    void shouldTellTheTerminatingHalfOfALocalChannelPair() throws RejectedCdr {
        String line = BASE.replace("\"PJSIP/201-00000003\"", "\"Local/205@from-internal-00000050;2\"");
        assertThat(adapter.parse(line, UTC).legRole()).isEqualTo(LegRole.TERMINATING);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"ANSWERED|ANSWERED", "NO ANSWER|NO_ANSWER", "BUSY|BUSY", "FAILED|FAILED",
        "CONGESTION|CONGESTION", "WHATEVER|UNKNOWN"})
    void shouldNormaliseEveryAsteriskDisposition(String raw, Disposition expected) throws RejectedCdr {
        assertThat(adapter.parse(BASE.replace("\"ANSWERED\"", "\"" + raw + "\""), UTC).disposition()).isEqualTo(expected);
    }

    @Test
    void shouldRejectAWrongColumnCount() {
        assertThatThrownBy(() -> adapter.parse("\"acct\",\"201\",\"202\"", UTC))
                .isInstanceOf(RejectedCdr.class)
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.COLUMN_COUNT);
    }

    @Test
    void shouldRejectANonNumericDurationNamingTheFieldButNotItsValue() {
        assertThatThrownBy(() -> adapter.parse(BASE.replace(",65,60,", ",sixty,60,"), UTC))
                .isInstanceOf(RejectedCdr.class)
                .hasMessage("field duration is not a number");
    }

    @Test
    void shouldRejectATimestampThatIsNotOne() {
        assertThatThrownBy(() -> adapter.parse(BASE.replace("\"2024-05-01 10:00:00\"", "\"yesterday\""), UTC))
                .isInstanceOf(RejectedCdr.class)
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.BAD_TIME);
    }

    @Test
    void shouldRejectTwoRowsInOneRecord() {
        assertThatThrownBy(() -> adapter.parse(BASE + "\n" + BASE, UTC))
                .isInstanceOf(RejectedCdr.class)
                .hasMessageContaining("more than one CSV row");
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
