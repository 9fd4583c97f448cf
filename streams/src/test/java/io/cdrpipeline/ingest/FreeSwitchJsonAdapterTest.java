package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class FreeSwitchJsonAdapterTest {

    private static final SourceSettings LONDON = SourceSettings.defaults("fs1", "GB", ZoneId.of("Europe/London"));

    private final FreeSwitchJsonAdapter adapter = new FreeSwitchJsonAdapter();

    @Test
    void shouldDecodeUrlEncodedVariablesAsWrittenByTheDefaultEncodeValues() throws RejectedCdr {
        String doc = """
                {"core-uuid":"4c1c2a3e","switchname":"fs-lon-1",
                 "channel_data":{"state":"CS_REPORTING","direction":"inbound"},
                 "variables":{"direction":"inbound","uuid":"7f4de4bc-6c6e-4b3c-8f0e-2d6e5a1b9c01",
                   "caller_id_name":"Carol%20Example","sip_from_user":"%2B442071838751",
                   "accountcode":"acct%2F7","start_uepoch":"1718042400000000","answer_uepoch":"1718042404000000",
                   "end_uepoch":"1718042524000000","duration":"124","billsec":"120",
                   "hangup_cause":"NORMAL_CLEARING","hangup_cause_q850":"16","sip_network_ip":"192.0.2.10"},
                 "callflow":[{"profile_index":"1","caller_profile":{"destination_number":"%2B442071838750"},
                   "times":{"created_time":"1718042400000000"}}]}
                """;

        SwitchCdr cdr = adapter.parse(doc, LONDON);

        assertThat(cdr.switchId()).isEqualTo("7f4de4bc-6c6e-4b3c-8f0e-2d6e5a1b9c01");
        assertThat(cdr.callingRaw()).isEqualTo("+442071838751");
        assertThat(cdr.calledRaw()).isEqualTo("+442071838750");
        assertThat(cdr.account()).isEqualTo("acct/7");
        assertThat(cdr.start()).isEqualTo(Instant.parse("2024-06-10T18:00:00Z"));
        assertThat(cdr.answer()).isEqualTo(Instant.parse("2024-06-10T18:00:04Z"));
        assertThat(cdr.end()).isEqualTo(Instant.parse("2024-06-10T18:02:04Z"));
        assertThat(cdr.disposition()).isEqualTo(Disposition.ANSWERED);
        assertThat(cdr.q850Cause()).isEqualTo(16);
        assertThat(cdr.legRole()).isEqualTo(LegRole.ORIGINATING);
    }

    @Test
    void shouldReadPlainValuesAndTheOldCallflowObjectOfABLeg() throws RejectedCdr {
        String doc = """
                {"variables":{"direction":"outbound","uuid":"9a8b","originating_leg_uuid":"7f4d",
                   "duration":"120","billsec":"120","hangup_cause":"NORMAL_CLEARING",
                   "start_epoch":"1718042404","answer_epoch":"1718042404","end_epoch":"1718042524"},
                 "callflow":{"caller_profile":{"caller_id_number":"+441632960001","destination_number":"+442071838750"}}}
                """;

        SwitchCdr cdr = adapter.parse(doc, LONDON);

        assertThat(cdr.callingRaw()).isEqualTo("+441632960001");
        assertThat(cdr.calledRaw()).isEqualTo("+442071838750");
        assertThat(cdr.legRole()).isEqualTo(LegRole.TERMINATING);
        assertThat(cdr.switchCallId()).isEqualTo("7f4d");
        assertThat(cdr.start()).isEqualTo(Instant.ofEpochSecond(1718042404));
    }

    @Test
    void shouldTreatAZeroAnswerEpochAsUnansweredAndKeepALiteralPlus() throws RejectedCdr {
        String doc = "{\"variables\":{\"uuid\":\"5e6f\",\"sip_from_user\":\"+447400123456\",\"sip_to_user\":\"1002\","
                + "\"start_uepoch\":\"1718046000000000\",\"answer_uepoch\":\"0\",\"end_uepoch\":\"1718046020000000\","
                + "\"hangup_cause\":\"ORIGINATOR_CANCEL\",\"hangup_cause_q850\":\"487\"}}";

        SwitchCdr cdr = adapter.parse(doc, LONDON);

        assertThat(cdr.answer()).isNull();
        assertThat(cdr.callingRaw()).as("a '+' that was not encoded stays a '+'").isEqualTo("+447400123456");
        assertThat(cdr.disposition()).isEqualTo(Disposition.CANCELLED);
        assertThat(cdr.q850Cause()).as("487 is a SIP code, not Q.850").isNull();
        assertThat(cdr.durationSeconds()).isEqualTo(20);
    }

    @Test
    void shouldFallBackToCallflowTimes() throws RejectedCdr {
        String doc = "{\"callflow\":[{\"caller_profile\":{\"uuid\":\"u1\",\"caller_id_number\":\"1001\","
                + "\"destination_number\":\"1002\"},\"times\":{\"created_time\":\"1718042400000000\","
                + "\"answered_time\":\"0\",\"hangup_time\":\"1718042410000000\"}}]}";

        SwitchCdr cdr = adapter.parse(doc, LONDON);

        assertThat(cdr.switchId()).isEqualTo("u1");
        assertThat(cdr.end()).isEqualTo(Instant.parse("2024-06-10T18:00:10Z"));
    }

    @Test
    void shouldKeepAValueThatIsNotValidPercentEncoding() {
        assertThat(JsonDocs.percentDecoded("100%sure")).isEqualTo("100%sure");
        assertThat(JsonDocs.percentDecoded("a%20b+c")).isEqualTo("a b+c");
    }

    @Test
    void shouldRejectTruncatedJsonWithoutQuotingIt() {
        assertThatThrownBy(() -> adapter.parse("{\"variables\": {\"uuid\": \"0d1e\", \"start_epoch\": \"17180", LONDON))
                .isInstanceOf(RejectedCdr.class)
                .hasMessageStartingWith("not valid JSON")
                .hasMessageNotContaining("0d1e");
    }

    @Test
    void shouldRejectADocumentWithoutVariablesOrCallflow() {
        assertThatThrownBy(() -> adapter.parse("{\"switchname\":\"fs\"}", LONDON))
                .isInstanceOf(RejectedCdr.class)
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.MISSING_FIELD);
        assertThatThrownBy(() -> adapter.parse("[1,2,3]", LONDON))
                .isInstanceOf(RejectedCdr.class)
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.MALFORMED);
    }
}
