package io.cdrpipeline.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.schema.NumberType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumberNormalizerTest {

    private final NumberNormalizer numbers = new NumberNormalizer(1_000);

    @ParameterizedTest(name = "{0} in {1} -> {2} {3}")
    @CsvSource(delimiter = '|', value = {
        "0049891234567        | DE | E164      | +49891234567",
        "03012345678          | DE | E164      | +493012345678",
        "+49 (30) 1234-5678   | DE | E164      | +493012345678",
        "0612345678           | FR | E164      | +33612345678",
        "07400 123456         | GB | E164      | +447400123456",
        "442071838750         | US | E164      | +442071838750",
        "sip:+4930123456@pbx.example;user=phone | DE | E164 | +4930123456",
        "\"Alice\" <tel:+33612345678> | DE | E164 | +33612345678",
        "201                  | DE | EXTENSION | 201",
        "*97                  | DE | EXTENSION | *97",
        "s                    | DE | UNKNOWN   | s",
        "12345678901234567890 | DE | UNKNOWN   | 12345678901234567890",
        "anonymous            | DE | WITHHELD  | ",
        "Restricted           | GB | WITHHELD  | ",
        "sip:anonymous@anonymous.invalid | DE | WITHHELD | ",
    })
    void shouldClassifyAndNormalise(String raw, String region, NumberType type, String value) {
        ClearNumber n = numbers.normalize(raw, region, 6);
        assertThat(n.type()).isEqualTo(type);
        assertThat(n.value()).isEqualTo(value == null || value.isBlank() ? null : value);
    }

    @Test
    void shouldTreatBlankAsNoNumberAndHonourTheExtensionLength() {
        assertThat(numbers.normalize("  ", "DE", 6)).isNull();
        assertThat(numbers.normalize("1234", "DE", 3).type()).isNotEqualTo(NumberType.EXTENSION);
        assertThat(numbers.normalize("1234", "DE", 4).type()).isEqualTo(NumberType.EXTENSION);
    }

    @Test
    void shouldNeverShowTheNumberInToString() {
        assertThat(numbers.normalize("03012345678", "DE", 6).toString()).doesNotContain("12345678");
    }
}
