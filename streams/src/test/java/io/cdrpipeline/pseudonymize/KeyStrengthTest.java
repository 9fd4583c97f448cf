package io.cdrpipeline.pseudonymize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class KeyStrengthTest {

    @Test
    void shouldRefuseKeysAPersonMade() {
        byte[] zeros = new byte[32];
        byte[] as = new byte[32];
        Arrays.fill(as, (byte) 'A');
        byte[] abab = new byte[32];
        byte[] counting = new byte[32];
        byte[] cycle20 = new byte[32];
        for (int i = 0; i < 32; i++) {
            abab[i] = (byte) (i % 2 == 0 ? 0x13 : 0xF7);
            counting[i] = (byte) (i * 3);
            cycle20[i] = (byte) (0x80 + (i % 16) * 7);
        }
        byte[] text = "correct horse battery staple 123".getBytes(StandardCharsets.US_ASCII);
        assertThat(KeyStrength.weakness(zeros)).contains("distinct");
        assertThat(KeyStrength.weakness(as)).contains("distinct");
        assertThat(KeyStrength.weakness(abab)).contains("distinct");
        assertThat(KeyStrength.weakness(cycle20)).contains("repeated");
        assertThat(KeyStrength.weakness(counting)).contains("counting");
        assertThat(KeyStrength.weakness(text)).contains("text");
        assertThatThrownBy(() -> KeyRing.parse("epoch.a.key=" + Base64.getEncoder().encodeToString(zeros), "keys.properties"))
                .hasMessageContaining("epoch a").hasMessageContaining("too weak").hasMessageContaining("keys --out");
        assertThatThrownBy(() -> KeyVault.fromEnvironment(Base64.getEncoder().encodeToString(as)))
                .hasMessageContaining("master key is too weak");
    }

    @Test
    void shouldAcceptRandomKeys() {
        SecureRandom r = new SecureRandom();
        for (int i = 0; i < 20_000; i++) {
            byte[] k = new byte[32];
            r.nextBytes(k);
            assertThat(KeyStrength.weakness(k)).as("random key %s", Base64.getEncoder().encodeToString(k)).isNull();
        }
    }
}
