package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How a time field's text is read, at each boundary of the rules (issue 14, surviving mutants in Stamp). */
class StampTest {

    @ParameterizedTest(name = "[{0}] is the instant {1}")
    @CsvSource(delimiter = '|', value = {
        "1714557600                | 2024-05-01T10:00:00Z",   // epoch seconds, 10 digits
        "1714557600.123456         | 2024-05-01T10:00:00Z",   // with a fraction (Asterisk ${CDR(start,u)})
        "946684800                 | 2000-01-01T00:00:00Z",   // 9 digits, the earliest accepted
        "4102444799                | 2099-12-31T23:59:59Z",
        "2024-05-01T12:00:00Z      | 2024-05-01T12:00:00Z",
        "2024-05-01T12:00:00z      | 2024-05-01T12:00:00Z",
        "2024-05-01T12:00:00+02:00 | 2024-05-01T10:00:00Z",
        "2024-05-01 12:00:00-04:00 | 2024-05-01T16:00:00Z",   // a blank for the T
    })
    void readsAnAbsoluteTime(String text, String instant) throws Exception {
        Stamp s = Stamp.parseText(text, "start");
        assertThat(s.absolute()).isEqualTo(Instant.parse(instant));
        assertThat(s.local()).isNull();
    }

    @ParameterizedTest(name = "[{0}] is the local time {1}")
    @CsvSource(delimiter = '|', value = {
        "2024-05-01 12:00:00       | 2024-05-01T12:00:00",
        "2024-05-01T12:00:00       | 2024-05-01T12:00:00",
        "2024-05-01 12:00:00.250   | 2024-05-01T12:00:00.250",
        "' 2024-05-01 12:00:00 '   | 2024-05-01T12:00:00",
    })
    void readsALocalTime(String text, String local) throws Exception {
        Stamp s = Stamp.parseText(text, "start");
        assertThat(s.local()).isEqualTo(LocalDateTime.parse(local));
        assertThat(s.absolute()).isNull();
    }

    @ParameterizedTest(name = "[{0}] is no time at all")
    @CsvSource(delimiter = '|', value = {"0", "0.000000", "''", "'   '"})
    void readsNothingFromAZeroOrABlank(String text) throws Exception {
        assertThat(Stamp.parseText(text, "start")).isNull();
    }

    @ParameterizedTest(name = "[{0}] is rejected")
    @CsvSource(delimiter = '|', value = {
        "99999999",              // 8 digits: not epoch seconds, not a date
        "123456789012",          // 12 digits
        "17145576x0",            // a letter among the digits
        "2024-13-01 12:00:00",   // month 13
        "2024-05-01",            // a date without a time
        "2024-05-01 25:00:00",
        "yesterday",
    })
    void rejectsWhatIsNoTimestamp(String text) {
        assertThatThrownBy(() -> Stamp.parseText(text, "start")).isInstanceOf(RejectedCdr.class)
                .hasMessageContaining("start").hasMessageNotContaining(text);
    }

    @ParameterizedTest(name = "[{0}] is outside the accepted years")
    @CsvSource(delimiter = '|', value = {"946684799", "4102444800", "12345678901"})
    void rejectsEpochSecondsOutsideTheAcceptedYears(String text) {
        assertThatThrownBy(() -> Stamp.parseText(text, "start")).isInstanceOf(RejectedCdr.class);
    }
}
