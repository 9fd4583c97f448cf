package io.cdrpipeline.pseudonymize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class KeyRingTest {

    @Test
    void shouldRoundTripThroughItsFileFormatWithoutShowingKeysInToString() {
        KeyRing ring = KeyRing.random("2026-11", Instant.parse("2026-11-01T00:00:00Z"));
        KeyRing again = KeyRing.parse(ring.toFileText(), "test");

        assertThat(again.epochs()).isEqualTo(ring.epochs());
        assertThat(ring.epochs().get(0).toString()).isEqualTo("KeyEpoch[2026-11 from 2026-11-01T00:00:00Z]");
    }

    @Test
    void shouldNameTheProblemInABadKeyFile() {
        assertThatThrownBy(() -> KeyRing.parse("epoch.a.kee=abc", "f"))
                .hasMessageContaining("unknown key 'epoch.a.kee'");
        assertThatThrownBy(() -> KeyRing.parse("epoch.a.key=c2hvcnQ=", "f"))
                .hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> KeyRing.parse("", "f")).hasMessageContaining("no key epoch");
    }
}
