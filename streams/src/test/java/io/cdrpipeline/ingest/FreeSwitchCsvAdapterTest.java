package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreeSwitchCsvAdapterTest {

    private static final SourceSettings LONDON = SourceSettings.defaults("fs1", "GB", ZoneId.of("Europe/London"));

    private final FreeSwitchCsvAdapter adapter = new FreeSwitchCsvAdapter();

    @Test
    void shouldReadTheExampleTemplate() throws RejectedCdr {
        String line = "\"Carol\",\"1001\",\"+442071838750\",\"default\",\"2016-02-16 05:55:27\",\"2016-02-16 05:55:29\","
                + "\"2016-02-16 05:55:42\",\"15\",\"13\",\"NORMAL_CLEARING\",\"d6195639-e9a2-eae4-c599-75e127f55602\",\"\","
                + "\"1001\",\"opus\",\"opus\"";

        SwitchCdr cdr = adapter.parse(line, LONDON);

        assertThat(cdr.switchId()).isEqualTo("d6195639-e9a2-eae4-c599-75e127f55602");
        assertThat(cdr.callingRaw()).isEqualTo("1001");
        assertThat(cdr.calledRaw()).isEqualTo("+442071838750");
        assertThat(cdr.start()).isEqualTo(Instant.parse("2016-02-16T05:55:27Z"));
        assertThat(cdr.billableSeconds()).isEqualTo(13);
        assertThat(cdr.disposition()).isEqualTo(Disposition.ANSWERED);
        assertThat(cdr.hangupCause()).isEqualTo("NORMAL_CLEARING");
        assertThat(cdr.q850Cause()).isEqualTo(16);
        assertThat(cdr.legRole()).isEqualTo(LegRole.ORIGINATING);
        assertThat(cdr.account()).isEqualTo("1001");
    }

    @Test
    void shouldReadAnUnansweredCallAcrossTheLondonSpringForward() throws RejectedCdr {
        // 2024-03-31 01:00 GMT -> 02:00 BST: 00:59:50 GMT to 02:00:20 BST is 30 s.
        String line = "\"Dave\",\"1002\",\"07400123456\",\"default\",\"2024-03-31 00:59:50\",\"\",\"2024-03-31 02:00:20\","
                + "\"30\",\"0\",\"NO_ANSWER\",\"6a1c2f0e-1b7d-4a49-9d53-0c1f9f0a7e11\",\"\",\"1002\",\"PCMA\",\"PCMA\"";

        SwitchCdr cdr = adapter.parse(line, LONDON);

        assertThat(cdr.answer()).isNull();
        assertThat(cdr.end()).isEqualTo(Instant.parse("2024-03-31T01:00:20Z"));
        assertThat(cdr.disposition()).isEqualTo(Disposition.NO_ANSWER);
        assertThat(cdr.q850Cause()).isEqualTo(19);
    }

    @Test
    void shouldMapBusyAndCancelAndCongestion() throws RejectedCdr {
        assertThat(withCause("USER_BUSY").disposition()).isEqualTo(Disposition.BUSY);
        assertThat(withCause("ORIGINATOR_CANCEL").disposition()).isEqualTo(Disposition.CANCELLED);
        assertThat(withCause("ORIGINATOR_CANCEL").q850Cause()).as("not a Q.850 cause").isNull();
        assertThat(withCause("NORMAL_CIRCUIT_CONGESTION").disposition()).isEqualTo(Disposition.CONGESTION);
        assertThat(withCause("UNALLOCATED_NUMBER").disposition()).isEqualTo(Disposition.FAILED);
        assertThat(withCause("UNALLOCATED_NUMBER").q850Cause()).isEqualTo(1);
    }

    @Test
    void shouldPreferEpochColumnsOfACustomTemplate() throws RejectedCdr {
        SourceSettings custom = new SourceSettings("fs2", null, ZoneId.of("Europe/London"), io.cdrpipeline.ingest.DialPlan.defaults("GB"),
                List.of("uuid", "caller_id_number", "destination_number", "start_epoch", "answer_epoch", "end_epoch",
                        "billsec", "hangup_cause", "start_stamp"));

        SwitchCdr cdr = adapter.parse("\"u-1\",\"1001\",\"1002\",\"1711846790\",\"0\",\"1711846820\",\"0\","
                + "\"NO_ANSWER\",\"not even looked at\"", custom);

        assertThat(cdr.start()).isEqualTo(Instant.ofEpochSecond(1711846790));
        assertThat(cdr.answer()).isNull();
        assertThat(cdr.durationSeconds()).as("derived from the times").isEqualTo(30);
    }

    @Test
    void shouldRejectATemplateMismatch() {
        assertThatThrownBy(() -> adapter.parse("\"a\",\"b\",\"c\"", LONDON))
                .isInstanceOf(RejectedCdr.class)
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.COLUMN_COUNT);
    }

    private SwitchCdr withCause(String cause) throws RejectedCdr {
        return adapter.parse("\"X\",\"1001\",\"1002\",\"default\",\"2024-06-10 17:30:00\",\"\",\"2024-06-10 17:30:08\","
                + "\"8\",\"0\",\"" + cause + "\",\"0b5f7c3e-8f5e-4f0b-b3a9-5d1b6f8e2c22\",\"\",\"1003\",\"PCMU\",\"PCMU\"", LONDON);
    }
}
