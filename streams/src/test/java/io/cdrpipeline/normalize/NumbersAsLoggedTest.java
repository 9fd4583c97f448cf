package io.cdrpipeline.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.ingest.DialPlan;
import io.cdrpipeline.schema.NumberType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 22, findings 1–3 and 7: what a billing team would dispute. An E.164 value holds exactly
 * the digits logged after the prefix the plan recognised; an IP address, a number nobody can
 * have and a reading that needs a doubled digit stay as logged (UNKNOWN); an international prefix
 * comes before an access code that is its first digit.
 */
class NumbersAsLoggedTest {

    private static final DialPlan US = DialPlan.defaults("US");
    /** The pbx-berlin plan of docs/switches.md and deploy/pipeline.properties. */
    private static final DialPlan BERLIN = DialPlan.builder("DE").accessCodes(List.of("0")).extensionDigits("3-4").build();
    private static final DialPlan NYC = DialPlan.builder("US").accessCodes(List.of("9")).extensionDigits("3-4").build();

    static Stream<Arguments> readings() {
        return Stream.of(
                // 810 is the CIS international prefix: libphonenumber read +81 0972… and dropped the 0.
                Arguments.of(US, "+810972543424820", NumberType.UNKNOWN, "+810972543424820"),
                Arguments.of(US, "011810441134900292", NumberType.UNKNOWN, "011810441134900292"),
                // An IP address is a SIP peer, not extension 192024.
                Arguments.of(US, "192.0.2.4", NumberType.UNKNOWN, "192.0.2.4"),
                Arguments.of(DialPlan.defaults("DE"), "10.1.1.100", NumberType.UNKNOWN, "10.1.1.100"),
                // NANP area codes and exchanges never start with 0 or 1.
                Arguments.of(US, "1234567890", NumberType.UNKNOWN, "1234567890"),
                Arguments.of(US, "2121234567", NumberType.UNKNOWN, "2121234567"),
                // The documented plan and sample: the international prefix before the access code 0.
                Arguments.of(BERLIN, "0049891234567", NumberType.E164, "+49891234567"),
                Arguments.of(BERLIN, "0030123456", NumberType.E164, "+4930123456"),        // access 0 + national 030…
                Arguments.of(BERLIN, "00033612345678", NumberType.E164, "+33612345678"),  // access 0 + 00 33…
                // What stays as it was.
                Arguments.of(US, "12125550123", NumberType.E164, "+12125550123"),
                Arguments.of(US, "2125550123", NumberType.E164, "+12125550123"),
                Arguments.of(US, "(212) 555-0123", NumberType.E164, "+12125550123"),
                Arguments.of(US, "212.555.0123", NumberType.E164, "+12125550123"),
                Arguments.of(US, "011441632960001", NumberType.E164, "+441632960001"),
                Arguments.of(NYC, "9011441632960001", NumberType.E164, "+441632960001"),
                Arguments.of(NYC, "912125550123", NumberType.E164, "+12125550123"),
                Arguments.of(DialPlan.defaults("GB"), "07700900123", NumberType.E164, "+447700900123"),
                Arguments.of(DialPlan.defaults("IT"), "+390612345678", NumberType.E164, "+390612345678"),
                Arguments.of(DialPlan.defaults("IT"), "0612345678", NumberType.E164, "+390612345678"),
                Arguments.of(DialPlan.defaults("DE"), "030 1234567", NumberType.E164, "+49301234567"),
                Arguments.of(DialPlan.defaults("FR"), "0033612345678", NumberType.E164, "+33612345678"),
                // Extensions and codes are logged without separators.
                Arguments.of(BERLIN, "201", NumberType.EXTENSION, "201"),
                Arguments.of(BERLIN, "2-01", NumberType.UNKNOWN, "2-01"),
                Arguments.of(US, "*97", NumberType.EXTENSION, "*97"),
                Arguments.of(US, "john.doe", NumberType.EXTENSION, "john.doe"));
    }

    @ParameterizedTest(name = "{1} under {0}")
    @MethodSource("readings")
    void shouldReadEveryDigitAsLogged(DialPlan plan, String logged, NumberType type, String value) {
        ClearNumber n = NumberNormalizer.compute(logged, plan);
        assertThat(n.type()).as("type of %s", logged).isEqualTo(type);
        assertThat(n.value()).isEqualTo(value);
        assertThat(n.raw()).isEqualTo(logged);
    }
}
