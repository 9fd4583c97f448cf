package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Numeric fields, display names and Q.850 codes at their boundaries (issue 14, surviving mutants). */
class FieldsTest {

    @Test
    void readsSecondsAndSmallIntegers() throws Exception {
        assertThat(Fields.seconds("12", "d")).isEqualTo(12L);
        assertThat(Fields.seconds("12.9", "d")).as("an export's 12.9 is 12 whole seconds").isEqualTo(12L);
        assertThat(Fields.seconds("0.5", "d")).isZero();
        assertThat(Fields.seconds(" ", "d")).isNull();
        assertThatThrownBy(() -> Fields.seconds("12s", "duration")).hasMessage("field duration is not a number");
        assertThat(Fields.smallInt(Map.of("c", "0")::get, "c")).isZero();
        assertThat(Fields.smallInt(Map.of("c", "65535")::get, "c")).isEqualTo(65_535);
        assertThat(Fields.smallInt(Map.<String, String>of()::get, "c")).isNull();
        assertThatThrownBy(() -> Fields.smallInt(Map.of("cause", "65536")::get, "cause")).hasMessage("field cause is out of range");
        assertThatThrownBy(() -> Fields.smallInt(Map.of("cause", "-1")::get, "cause")).hasMessage("field cause is out of range");
    }

    @Test
    void tellsADisplayNameFromAParty() {
        assertThat(Fields.isDisplayName("Jane Roe")).isTrue();
        assertThat(Fields.isDisplayName("Jane")).as("no blank").isFalse();
        assertThat(Fields.isDisplayName("12 34")).as("no letter").isFalse();
        assertThat(Fields.isDisplayName("Jane Roe@example")).isFalse();
        assertThat(Fields.isDisplayName("Jane <201>")).isFalse();
        assertThat(Fields.isDisplayName("sip: jane")).isFalse();
    }

    @Test
    void keepsAnExplicitQ850CodeOnlyInItsRange() {
        assertThat(HangupCauses.q850("NORMAL_CLEARING", null)).isEqualTo(16);
        assertThat(HangupCauses.q850("NORMAL_CLEARING", 1)).isEqualTo(1);
        assertThat(HangupCauses.q850("NORMAL_CLEARING", 127)).isEqualTo(127);
        assertThat(HangupCauses.q850("NORMAL_CLEARING", 128)).as("out of range: the name's code").isEqualTo(16);
        assertThat(HangupCauses.q850("NORMAL_CLEARING", 0)).isEqualTo(16);
        assertThat(HangupCauses.q850(null, 0)).isNull();
        assertThat(HangupCauses.q850("NO_SUCH_CAUSE", null)).isNull();
    }
}
