package io.cdrpipeline.normalize;

import io.cdrpipeline.ingest.DialPlan;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.schema.NumberType;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every party string seen to go wrong on real switch output (issue #8), read under the source's
 * dialling plan: numbers never guessed into another country, strings never altered, well-formed
 * numbers in unlisted ranges kept as E.164, dialling habits configurable, names never parties.
 */
class NumberNormalizerTest {

    private final NumberNormalizer numbers = new NumberNormalizer(1_000);

    @ParameterizedTest(name = "{0} in {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
        "0049891234567          | DE | E164         | +49891234567",
        "03012345678            | DE | E164         | +493012345678",
        "+49 (30) 1234-5678     | DE | E164         | +493012345678",
        "0612345678             | FR | E164         | +33612345678",
        "07400 123456           | GB | E164         | +447400123456",
        "011442071838750        | US | E164         | +442071838750",
        "2125550123             | US | E164         | +12125550123",
        "12125550123            | US | E164         | +12125550123",
        "sip:+4930123456@pbx.example;user=phone | DE | E164 | +4930123456",
        "\"Alice\" <tel:+33612345678> | DE | E164   | +33612345678",
        "201                    | DE | EXTENSION    | 201",
        "*97                    | DE | EXTENSION    | *97",
        "s                      | DE | EXTENSION    | s",
        "h                      | DE | EXTENSION    | h",
        "voicemail              | GB | EXTENSION    | voicemail",
        "client1                | FR | EXTENSION    | client1",
        "\"Bob\" <sip:201@pbx.local> | DE | EXTENSION | 201",
        "112                    | DE | EMERGENCY    | 112",
        "911                    | US | EMERGENCY    | 911",
        "12345678901234567890   | DE | UNKNOWN      | 12345678901234567890",
        "anonymous              | DE | WITHHELD     | ",
        "Restricted             | GB | WITHHELD     | ",
        "sip:anonymous@anonymous.invalid | DE | WITHHELD | ",
    })
    void shouldClassifyAndNormalise(String raw, String region, NumberType type, String value) {
        ClearNumber n = numbers.normalize(raw, DialPlan.defaults(region));
        assertThat(n.type()).isEqualTo(type);
        assertThat(n.value()).isEqualTo(value == null || value.isBlank() ? null : value);
    }

    @ParameterizedTest(name = "{0} from {1} is not a number of another country")
    @CsvSource(delimiter = '|', value = {
        "41245085789    | US",   // 11 digits, no 011: national or junk, never Swiss
        "442921280552   | US",   // never British from a US switch
        "442921280552   | GB",   // a country code with no prefix is not read as one
        "4930123456     | DE",   // only a source that says so reads this as international
    })
    void shouldNeverGuessACountry(String raw, String region) {
        ClearNumber n = numbers.normalize(raw, DialPlan.defaults(region));
        assertThat(n.type()).isEqualTo(NumberType.UNKNOWN);
        assertThat(n.value()).isEqualTo(raw);
        assertThat(n.raw()).isEqualTo(raw);
    }

    @Test
    void shouldReadUnprefixedInternationalNumbersOnlyWhereTheSourceSaysSo() {
        DialPlan trunk = DialPlan.builder("DE").internationalWithoutPrefix(true).build();
        assertThat(numbers.normalize("4930123456", trunk)).isEqualTo(new ClearNumber(NumberType.E164, "+4930123456",
                "4930123456", true));
        assertThat(numbers.normalize("03012345678", trunk).value()).as("national numbers still read").isEqualTo("+493012345678");
    }

    @ParameterizedTest(name = "{0} from {1} is kept exactly as logged")
    @CsvSource(delimiter = '|', value = {
        "442921280552.6  | GB | UNKNOWN      | 442921280552.6",
        "internal/1902   | DE | UNKNOWN      | internal/1902",
        "gonzalo@example.com | ES | SIP_IDENTITY | gonzalo@example.com",
        "sip:Alice@Example.COM;transport=tcp | DE | SIP_IDENTITY | Alice@example.com",
    })
    void shouldNeverRemoveCharactersFromWhatItKeeps(String raw, String region, NumberType type, String value) {
        ClearNumber n = numbers.normalize(raw, DialPlan.defaults(region));
        assertThat(n.type()).isEqualTo(type);
        assertThat(n.value()).isEqualTo(value);
        assertThat(n.raw()).isEqualTo(raw);
    }

    @Test
    void shouldKeepWellFormedNumbersInUnlistedRangesAsE164() {
        DialPlan gb = DialPlan.defaults("GB");
        ClearNumber drama = numbers.normalize("07700900928", gb);
        assertThat(drama).isEqualTo(new ClearNumber(NumberType.E164, "+447700900928", "07700900928", false));
        assertThat(numbers.normalize("+447700900928", gb).value()).isEqualTo("+447700900928");
        assertThat(numbers.normalize("00447700900928", gb).value()).isEqualTo("+447700900928");
        assertThat(numbers.normalize("020 7946 0123", gb).value()).isEqualTo("+442079460123");
        assertThat(numbers.normalize("0700123456", DialPlan.defaults("FR")).type()).isEqualTo(NumberType.E164);
        assertThat(numbers.normalize("07400 123456", gb).knownRange()).as("a listed range").isTrue();
    }

    @Test
    void shouldStripConfiguredAccessCodesBeforeTheRealNumber() {
        DialPlan nanpPbx = DialPlan.builder("US").accessCodes(List.of("9")).build();
        assertThat(numbers.normalize("912125550123", nanpPbx).value()).isEqualTo("+12125550123");
        assertThat(numbers.normalize("9011442071838750", nanpPbx).value()).isEqualTo("+442071838750");
        DialPlan germanPbx = DialPlan.builder("DE").accessCodes(List.of("0")).build();
        assertThat(numbers.normalize("00301234567", germanPbx).value()).isEqualTo("+49301234567");
        assertThat(numbers.normalize("201", germanPbx).type()).as("extensions first").isEqualTo(NumberType.EXTENSION);
    }

    @Test
    void shouldHonourConfiguredPrefixesAndExtensionRules() {
        DialPlan plan = DialPlan.builder("DE").internationalPrefixes(List.of("00", "000")).trunkPrefix("0")
                .extensionDigits("3-4,8").sipUserNames(false).pseudoExtensions(Set.of("s")).build();
        assertThat(numbers.normalize("12345678", plan).type()).isEqualTo(NumberType.EXTENSION);
        assertThat(numbers.normalize("12", plan).type()).isEqualTo(NumberType.UNKNOWN);
        assertThat(numbers.normalize("0004930123456", plan).value()).isEqualTo("+4930123456");
        assertThat(numbers.normalize("030123456", plan).value()).isEqualTo("+4930123456");
        assertThat(numbers.normalize("client1", plan).type()).as("SIP user names are off").isEqualTo(NumberType.UNKNOWN);
        assertThat(numbers.normalize("s", plan).type()).isEqualTo(NumberType.EXTENSION);
        assertThat(numbers.normalize("t", plan).type()).isEqualTo(NumberType.UNKNOWN);
        DialPlan pattern = DialPlan.builder("DE").extensionMaxDigits(0).extensionPattern("7\\d{7}").build();
        assertThat(numbers.normalize("71234567", pattern).type()).isEqualTo(NumberType.EXTENSION);
    }

    @Test
    void shouldTypeShortCodesOfTheRegion() {
        DialPlan threeDigitExtensions = DialPlan.builder("DE").extensionDigits("3").build();
        assertThat(numbers.normalize("116117", threeDigitExtensions).type()).isEqualTo(NumberType.SHORT_CODE);
        assertThat(numbers.normalize("110", threeDigitExtensions).type()).isEqualTo(NumberType.EMERGENCY);
    }

    @Test
    void shouldNeverTakeADisplayNameForAParty() {
        ClearNumber name = numbers.normalize("John Smith", DialPlan.defaults("US"));
        assertThat(name.value()).isNull();
        assertThat(name.raw()).isNull();
        assertThat(numbers.normalize("\"Jane Roe\"", DialPlan.defaults("US")).raw()).isNull();
        assertThat(numbers.normalize("\"Jane Roe\" <100>", DialPlan.defaults("US")))
                .isEqualTo(new ClearNumber(NumberType.EXTENSION, "100", "100", null));
    }

    @Test
    void shouldTreatBlankAsNoNumberAndHonourTheExtensionLength() {
        assertThat(numbers.normalize("  ", DialPlan.defaults("DE"))).isNull();
        assertThat(numbers.normalize("1234", DialPlan.builder("DE").extensionMaxDigits(3).build()).type())
                .isNotEqualTo(NumberType.EXTENSION);
        assertThat(numbers.normalize("1234", DialPlan.builder("DE").extensionMaxDigits(4).build()).type())
                .isEqualTo(NumberType.EXTENSION);
    }

    @Test
    void shouldNeverShowTheNumberInToString() {
        assertThat(numbers.normalize("03012345678", DialPlan.defaults("DE")).toString()).doesNotContain("12345678");
    }

    @Test
    void shouldShareCachedReadingsBetweenEqualPlansOnlyWhoseEveryRuleAgrees() {
        // The cache is keyed by plan id: equal plans built apart (a restart, a second topology)
        // share entries; plans differing in any rule must not, or one would read the other's number.
        DialPlan outsideLine = DialPlan.builder("DE").accessCodes(List.of("0")).build();
        DialPlan direct = DialPlan.builder("DE").build();
        assertThat(DialPlan.builder("DE").accessCodes(List.of("0")).build().id()).isEqualTo(outsideLine.id());
        assertThat(direct.id()).isNotEqualTo(outsideLine.id());
        assertThat(DialPlan.builder("DE").pseudoExtensions(Set.of("s")).build().id()).isNotEqualTo(direct.id());

        ClearNumber viaAccessCode = numbers.normalize("003012345678", outsideLine);
        ClearNumber athens = numbers.normalize("00302101234567", direct);
        assertThat(viaAccessCode.value()).as("0 for the outside line, then 030 Berlin").isEqualTo("+493012345678");
        assertThat(numbers.normalize("003012345678", direct)).as("read under its own plan, not from the other's entry")
                .isNotEqualTo(viaAccessCode);
        assertThat(athens.value()).as("00 is the international prefix without the access code").isEqualTo("+302101234567");
    }

    @Test
    void shouldGiveAPlanThatDiffersInAnyOneRuleItsOwnCacheId() {
        List<DialPlan> plans = List.of(
                DialPlan.builder("DE").build(),
                DialPlan.builder("AT").build(),
                DialPlan.builder("DE").internationalPrefixes(List.of("00", "011")).build(),
                DialPlan.builder("DE").trunkPrefix("1").build(),
                DialPlan.builder("DE").accessCodes(List.of("9")).build(),
                DialPlan.builder("DE").extensionMaxDigits(4).build(),
                DialPlan.builder("DE").extensionDigits("3-5").build(),
                DialPlan.builder("DE").extensionPattern("7\\d{3}").build(),
                DialPlan.builder("DE").sipUserNames(false).build(),
                DialPlan.builder("DE").pseudoExtensions(Set.of("s", "h")).build(),
                DialPlan.builder("DE").internationalWithoutPrefix(true).build());
        assertThat(plans).extracting(DialPlan::id).doesNotHaveDuplicates();
    }
}
