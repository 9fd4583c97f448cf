package io.cdrpipeline.pseudonymize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The operator seals a subject to the pipeline's public key; only that pipeline opens it, for that request only. */
class SubjectSealingTest {

    private static final byte[] SECRET = "subject-sealing-test-secret-0123".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldOpenWhatWasSealedToItsPublicKeyForTheSameRequestOnly() {
        SubjectSealing pipeline = SubjectSealing.derivedFrom(SECRET);
        String sealed = SubjectSealing.seal(pipeline.publicKey(), "e164:+447700900123", "req-1");
        assertThat(sealed).startsWith("h1:").doesNotContain("7700900123");
        assertThat(SubjectSealing.derivedFrom(SECRET.clone()).open(sealed, "req-1"))
                .as("another instance derives the same key pair").isEqualTo("e164:+447700900123");
        assertThatThrownBy(() -> pipeline.open(sealed, "req-2")).as("bound to its request")
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(SubjectSealing.seal(pipeline.publicKey(), "e164:+447700900123", "req-1"))
                .as("a fresh ephemeral key each time").isNotEqualTo(sealed);
    }

    @Test
    void shouldRefuseAnotherPipelinesKeyAndATamperedValue() {
        SubjectSealing pipeline = SubjectSealing.derivedFrom(SECRET);
        SubjectSealing other = SubjectSealing.derivedFrom("another-pipelines-secret-0123456".getBytes(StandardCharsets.US_ASCII));
        assertThat(other.publicKey()).isNotEqualTo(pipeline.publicKey()).startsWith("x25519:");
        String sealed = SubjectSealing.seal(pipeline.publicKey(), "account:acct-7", "req-1");
        assertThatThrownBy(() -> other.open(sealed, "req-1")).isInstanceOf(IllegalArgumentException.class);
        String[] parts = sealed.split(":");
        byte[] ct = Base64.getDecoder().decode(parts[2]);
        ct[0] ^= 1;
        String tampered = parts[0] + ":" + parts[1] + ":" + Base64.getEncoder().encodeToString(ct);
        assertThatThrownBy(() -> pipeline.open(tampered, "req-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SubjectSealing.seal("rsa:AAAA", "x", "r")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldWrapATokenKeyThatOutlivesItsEpochKey() {
        KeyVault vault = new KeyVault(SECRET);
        KeyEpoch e = new KeyEpoch("2026-11", java.time.Instant.parse("2026-11-01T00:00:00Z"),
                "token-key-wrapping-test-epoch-key".getBytes(StandardCharsets.US_ASCII));
        String wrapped = vault.wrapTokenKey(e);
        assertThat(wrapped).startsWith("t1:2026-11-01T00:00:00Z:");
        KeyEpoch back = vault.unwrapTokenKey("2026-11", wrapped);
        assertThat(back.pseudonymizes()).isFalse();
        assertThat(back.tokenKey()).isEqualTo(e.tokenKey());
        assertThat(back).isEqualTo(e.withoutPseudonymKey());
        assertThatThrownBy(() -> vault.unwrapTokenKey("2026-12", wrapped)).as("bound to its epoch")
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> vault.unwrap("2026-11", wrapped)).isInstanceOf(IllegalArgumentException.class);
    }
}
