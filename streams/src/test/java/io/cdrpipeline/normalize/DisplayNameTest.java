package io.cdrpipeline.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Where a party's display name ends and its number begins, at every boundary of the rule (issue 14, surviving mutants). */
class DisplayNameTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
        "'\"Alice\" <sip:201@pbx>'   | sip:201@pbx",
        "'<201>'                     | 201",            // '<' at index 0
        "'\"Bob\" <>'                | ''",             // '>' right after '<'
        "'\"Bob\" <0301234> '        | 0301234",        // only blanks after '>'
        "'\"Bob\" <0301234>x'        | '\"Bob\" <0301234>x'",   // something after '>': not a display name form
        "'>0301234<'                 | '>0301234<'",    // '>' before '<'
        "'0301234>'                  | '0301234>'",     // no '<'
        "'\"Alice\"'                 | NULL",           // only a quoted name
        "'  \"Alice\"  '             | NULL",
        "'\"0301234\"'               | '\"0301234\"'",  // quoted, but no letter: not a name
        "'\"A'                       | '\"A'",          // no closing quote
        "'A\"'                       | 'A\"'",          // no opening quote
        "'\"'                        | '\"'",           // one character
        "'\"\"'                      | '\"\"'",         // two quotes, no letter
        "'\"x\"'                     | NULL",           // the shortest name
    })
    void shouldTakeTheNumberOutOfItsDisplayName(String party, String expected) {
        assertThat(NumberNormalizer.withoutDisplayName(party)).isEqualTo(expected);
    }
}
