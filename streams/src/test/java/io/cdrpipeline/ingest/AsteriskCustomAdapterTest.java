package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.schema.Disposition;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class AsteriskCustomAdapterTest {

    private static final SourceSettings PARIS = SourceSettings.defaults("pbx-paris", "FR", ZoneId.of("Europe/Paris"));

    private final AsteriskCustomAdapter adapter = new AsteriskCustomAdapter();

    @Test
    void shouldReadTheSampleMappingWithClidFirstAndSequenceLast() throws RejectedCdr {
        String line = "\"\"\"Bob\"\" <client1>\",\"client1\",\"6789\",\"default\",\"PJSIP/client1-00000002\","
                + "\"PJSIP/client2-00000003\",\"Dial\",\"PJSIP/client2\",\"2023-07-26 01:51:32\",\"2023-07-26 01:51:50\","
                + "\"2023-07-26 01:52:04\",\"32\",\"14\",\"ANSWERED\",\"DOCUMENTATION\",\"\",\"1690325492.2\",\"\",2";

        SwitchCdr cdr = adapter.parse(line, PARIS);

        assertThat(cdr.callingRaw()).isEqualTo("client1");
        assertThat(cdr.calledRaw()).isEqualTo("6789");
        assertThat(cdr.start()).isEqualTo(Instant.parse("2023-07-25T23:51:32Z"));
        assertThat(cdr.end()).isEqualTo(Instant.parse("2023-07-25T23:52:04Z"));
        assertThat(cdr.switchId()).isEqualTo("1690325492.2");
        assertThat(cdr.sequence()).isEqualTo("2");
        assertThat(cdr.account()).isNull();
        assertThat(cdr.disposition()).isEqualTo(Disposition.ANSWERED);
    }

    @Test
    void shouldReadAQuotedEmptyAnswerTime() throws RejectedCdr {
        String line = "\"\"\"Martin\"\" <0145678901>\",\"0145678901\",\"102\",\"from-trunk\",\"PJSIP/trunk-1\","
                + "\"PJSIP/102-1\",\"Dial\",\"PJSIP/102,30\",\"2024-06-01 15:00:00\",\"\",\"2024-06-01 15:00:25\","
                + "\"25\",\"0\",\"NO ANSWER\",\"DOCUMENTATION\",\"acme\",\"1717246800.12\",\"\",8";

        SwitchCdr cdr = adapter.parse(line, PARIS);

        assertThat(cdr.answer()).isNull();
        assertThat(cdr.account()).isEqualTo("acme");
        assertThat(cdr.disposition()).isEqualTo(Disposition.NO_ANSWER);
    }

    @Test
    void shouldFollowAColumnMappingConfiguredForTheSource() throws RejectedCdr {
        SourceSettings custom = new SourceSettings("pbx-x", null, ZoneId.of("UTC"), io.cdrpipeline.ingest.DialPlan.defaults("FR"),
                List.of("uniqueid", "start", "end", "src", "dst", "billsec", "duration", "disposition"));

        SwitchCdr cdr = adapter.parse("1690325492.9,2024-01-01 10:00:00,2024-01-01 10:00:40,0145678901,101,30,40,ANSWERED", custom);

        assertThat(cdr.switchId()).isEqualTo("1690325492.9");
        assertThat(cdr.callingRaw()).isEqualTo("0145678901");
        assertThat(cdr.billableSeconds()).isEqualTo(30);
        assertThat(cdr.durationSeconds()).isEqualTo(40);
    }

    @Test
    void shouldRejectARowThatDoesNotMatchTheMapping() {
        assertThatThrownBy(() -> adapter.parse("\"a\",\"b\"", PARIS))
                .isInstanceOf(RejectedCdr.class)
                .hasMessage("cdr_custom row has 2 columns, template has 19");
    }
}
