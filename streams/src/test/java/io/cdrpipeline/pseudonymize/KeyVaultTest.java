package io.cdrpipeline.pseudonymize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyVaultTest {

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Test
    void shouldUnwrapWhatItWrappedAndRefuseAnotherMasterKeyOrAnotherEpoch() {
        KeyVault vault = new KeyVault(random(32));
        KeyEpoch epoch = new KeyEpoch("2026-11", Instant.parse("2026-11-01T00:00:00Z"), random(32));
        String wrapped = vault.wrap(epoch);

        assertThat(vault.unwrap("2026-11", wrapped)).isEqualTo(epoch);
        assertThat(wrapped).doesNotContain(java.util.Base64.getEncoder().encodeToString(epoch.key()));
        assertThatThrownBy(() -> new KeyVault(random(32)).unwrap("2026-11", wrapped))
                .hasMessageContaining("cannot be unwrapped");
        assertThatThrownBy(() -> vault.unwrap("2026-12", wrapped)).hasMessageContaining("cannot be unwrapped");
    }

    @Test
    void shouldForgetADestroyedKeyIncludingWhatThePseudonymizerCachedFromIt() {
        KeyRing ring = new KeyRing(List.of(new KeyEpoch("2025-01", Instant.parse("2025-01-01T00:00:00Z"), random(32)),
                new KeyEpoch("2025-02", Instant.parse("2025-02-01T00:00:00Z"), random(32))));
        Pseudonymizer p = new Pseudonymizer(ring, new NumberFacts(10));
        String before = p.numberTokens("+493012345678").get("2025-01");

        assertThat(ring.destroy("2025-01")).isTrue();

        assertThat(ring.epochs()).extracting(KeyEpoch::id).containsExactly("2025-02");
        assertThat(p.numberTokens("+493012345678")).doesNotContainKey("2025-01").doesNotContainValue(before);
        assertThat(ring.destroy("2025-02")).as("the last epoch is never destroyed").isFalse();
    }

    @org.junit.jupiter.api.Test
    void shouldSealASubjectThatOpensOnlyUnderTheSameKeyAndContext() {
        byte[] a = new byte[32];
        byte[] b = new byte[32];
        b[0] = 1;
        KeyVault vault = new KeyVault(a);
        String sealed = vault.seal("e164:+447700900928", KeyVault.ERASURE_CONTEXT);
        org.assertj.core.api.Assertions.assertThat(sealed).startsWith("s1:").doesNotContain("7700900928");
        org.assertj.core.api.Assertions.assertThat(vault.unseal(sealed, KeyVault.ERASURE_CONTEXT)).isEqualTo("e164:+447700900928");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyVault(b).unseal(sealed, KeyVault.ERASURE_CONTEXT))
                .hasMessageContaining("cannot be opened");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> vault.unseal(sealed, "another use"))
                .hasMessageContaining("cannot be opened");
    }
}
