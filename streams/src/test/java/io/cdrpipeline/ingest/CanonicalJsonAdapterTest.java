package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class CanonicalJsonAdapterTest {

    private static final SourceSettings NEW_YORK = SourceSettings.defaults("partner", "US", ZoneId.of("America/New_York"));

    private final CanonicalJsonAdapter adapter = new CanonicalJsonAdapter();

    @Test
    void shouldReadIsoTimesWithOffsetsAndDeriveDurations() throws RejectedCdr {
        SwitchCdr cdr = adapter.parse("{\"id\":\"p-1\",\"account\":\"acme\",\"calling\":\"+12015550123\","
                + "\"called\":\"2015550199\",\"start\":\"2024-07-04T12:00:00-04:00\",\"answer\":\"2024-07-04T12:00:05-04:00\","
                + "\"end\":\"2024-07-04T12:10:05-04:00\",\"disposition\":\"ANSWERED\",\"leg\":\"ORIGINATING\"}", NEW_YORK);

        assertThat(cdr.switchId()).isEqualTo("p-1");
        assertThat(cdr.start()).isEqualTo(Instant.parse("2024-07-04T16:00:00Z"));
        assertThat(cdr.durationSeconds()).isEqualTo(605);
        assertThat(cdr.billableSeconds()).isEqualTo(600);
        assertThat(cdr.disposition()).isEqualTo(Disposition.ANSWERED);
        assertThat(cdr.legRole()).isEqualTo(LegRole.ORIGINATING);
    }

    @Test
    void shouldReadEpochMillisAndLocalTimesInTheSourceZone() throws RejectedCdr {
        SwitchCdr epoch = adapter.parse("{\"id\":\"p-2\",\"start\":1720108800000,\"end\":1720108830000,"
                + "\"hangupCause\":\"NO_ANSWER\"}", NEW_YORK);
        SwitchCdr local = adapter.parse("{\"id\":\"p-3\",\"start\":\"2024-07-04 09:00:00\",\"end\":\"2024-07-04 09:00:42\"}",
                NEW_YORK);

        assertThat(epoch.start()).isEqualTo(Instant.ofEpochMilli(1720108800000L));
        assertThat(epoch.disposition()).isEqualTo(Disposition.NO_ANSWER);
        assertThat(epoch.q850Cause()).isEqualTo(19);
        assertThat(local.start()).isEqualTo(Instant.parse("2024-07-04T13:00:00Z"));
    }

    @Test
    void shouldRejectAMissingEndAndATimeFarOutOfRange() {
        assertThatThrownBy(() -> adapter.parse("{\"id\":\"x\",\"start\":\"2024-07-04T12:00:00Z\"}", NEW_YORK))
                .isInstanceOf(RejectedCdr.class).hasMessage("no end time");
        assertThatThrownBy(() -> adapter.parse("{\"id\":\"x\",\"start\":0,\"end\":1}", NEW_YORK))
                .isInstanceOf(RejectedCdr.class)
                .extracting(e -> ((RejectedCdr) e).reason()).isEqualTo(RejectReason.BAD_TIME);
    }
}
