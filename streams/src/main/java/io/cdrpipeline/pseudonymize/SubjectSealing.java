package io.cdrpipeline.pseudonymize;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.hpke.HPKE;

/**
 * How an operator names an erasure subject without holding any key: {@code erase} seals the
 * subject (its token input, e.g. {@code e164:+44…}) to the pipeline's public key with HPKE
 * (RFC 9180: DHKEM X25519, HKDF-SHA256, AES-256-GCM, base mode), the request id bound in as
 * associated data; only the pipeline can open it, and it files the subject's token under every
 * key epoch that can still find records — and under every epoch created later. The key pair is
 * derived from the billing side's secret (the master key, or in key-file mode the first epoch's
 * key), so every instance holds the same one and publishes the same public key.
 *
 * <p>Formats: public key {@code x25519:<base64>}; sealed subject {@code h1:<base64 enc>:<base64 ciphertext>}.
 */
public final class SubjectSealing {

    private static final byte[] LABEL = "cdr-pipeline erasure sealing v1".getBytes(StandardCharsets.UTF_8);
    private static final String PUBLIC_PREFIX = "x25519:";
    private static final String SEALED_PREFIX = "h1:";

    private final AsymmetricCipherKeyPair pair;

    private SubjectSealing(AsymmetricCipherKeyPair pair) {
        this.pair = pair;
    }

    /** The key pair derived from secret material of the billing side. */
    public static SubjectSealing derivedFrom(byte[] secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return new SubjectSealing(hpke().deriveKeyPair(mac.doFinal(LABEL)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** The public key as published on the erasure-request topic. */
    public String publicKey() {
        return PUBLIC_PREFIX + Base64.getEncoder().encodeToString(hpke().serializePublicKey(pair.getPublic()));
    }

    /** Seals {@code subjectInput} to {@code publicKey} (as {@link #publicKey} gives it) for request {@code requestId}. */
    public static String seal(String publicKey, String subjectInput, String requestId) {
        if (publicKey == null || !publicKey.startsWith(PUBLIC_PREFIX)) {
            throw new IllegalArgumentException("not an erasure sealing key of format x25519");
        }
        HPKE hpke = hpke();
        try {
            byte[][] out = hpke.seal(hpke.deserializePublicKey(Base64.getDecoder().decode(publicKey.substring(PUBLIC_PREFIX.length()))),
                    LABEL, requestId.getBytes(StandardCharsets.UTF_8), subjectInput.getBytes(StandardCharsets.UTF_8),
                    null, null, null);
            Base64.Encoder b64 = Base64.getEncoder();
            return SEALED_PREFIX + b64.encodeToString(out[1]) + ":" + b64.encodeToString(out[0]);
        } catch (InvalidCipherTextException | RuntimeException e) {
            throw new IllegalArgumentException("cannot seal to that key: " + e.getClass().getSimpleName());
        }
    }

    /** Whether {@code sealed} is in this format (rather than the master key's {@code s1}). */
    public static boolean isSealed(String sealed) {
        return sealed != null && sealed.startsWith(SEALED_PREFIX);
    }

    /** What {@link #seal} sealed for {@code requestId}; an exception for another key, request or a tampered value. */
    public String open(String sealed, String requestId) {
        String[] parts = sealed.split(":");
        if (parts.length != 3 || !(parts[0] + ":").equals(SEALED_PREFIX)) {
            throw new IllegalArgumentException("not a sealed subject of format h1");
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] plain = hpke().open(b64.decode(parts[1]), pair, LABEL, requestId.getBytes(StandardCharsets.UTF_8),
                    b64.decode(parts[2]), null, null, null);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (InvalidCipherTextException | RuntimeException e) {
            throw new IllegalArgumentException("a sealed subject cannot be opened (another pipeline's key, or tampered)");
        }
    }

    private static HPKE hpke() {
        return new HPKE(HPKE.mode_base, HPKE.kem_X25519_SHA256, HPKE.kdf_HKDF_SHA256, HPKE.aead_AES_GCM256);
    }
}
