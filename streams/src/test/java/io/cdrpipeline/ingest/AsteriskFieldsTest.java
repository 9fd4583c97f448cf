package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.schema.Disposition;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Asterisk field rules at their boundaries (issue 14, surviving mutants in AsteriskFields). */
class AsteriskFieldsTest {

    private static final Instant START = Instant.parse("2024-05-01T10:00:05Z");   // 1714557605

    @ParameterizedTest(name = "uniqueid [{0}] -> skew {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "1714557600.3            | 5",       // epoch.counter: created 5 s before the call started
        "pbx-a-1714557600.3      | 5",       // system name prefix
        "1714564800.3            | -7195",   // a local time written as if it were UTC: two hours off
        "171455760.3             | 1543101845",  // 9 digits still an epoch (1975)
        "17145576000.3           | -15431018395",  // 11 digits
        "1714557.3               | NULL",    // 7 digits: not an epoch
        "171455760000.3          | NULL",    // 12 digits
        "1714557600              | NULL",    // no counter
        "abc.3                   | NULL",
        "17145x7600.3            | NULL",
        "''                      | NULL",
    })
    void measuresTheSkewBetweenTheUniqueIdsEpochAndTheStart(String uniqueId, Long skew) {
        assertThat(AsteriskFields.zoneSkew(uniqueId, START)).isEqualTo(skew);
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "ANSWERED    | ANSWERED", "answered | ANSWERED", "NO ANSWER | NO_ANSWER", "NO_ANSWER | NO_ANSWER",
        "BUSY        | BUSY", "FAILED | FAILED", "CONGESTION | CONGESTION", "CANCEL | CANCELLED",
        "CANCELED    | CANCELLED", "CANCELLED | CANCELLED", "DOCUMENTATION | UNKNOWN", "'' | UNKNOWN",
    })
    void readsEveryDisposition(String raw, Disposition expected) {
        assertThat(AsteriskFields.disposition(raw)).isEqualTo(expected);
    }
}
