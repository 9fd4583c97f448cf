package io.cdrpipeline.pseudonymize;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/**
 * One key epoch: the instant from which calls use it, its pseudonymisation key, and its
 * subject-token key. The two die apart. The pseudonymisation key makes analytics pseudonyms and is
 * destroyed once the epoch's analytics records are past their window: pseudonyms are then
 * unlinkable to numbers for good. The token key makes the subject tokens that erasure requests and
 * the subject index use; it is kept until the epoch's last <em>billing</em> window (overrides
 * included) has closed, so that an erasure reaches a billing record at any age within its window,
 * and is destroyed then. An epoch whose pseudonymisation key is gone has {@code key() == null}.
 *
 * <p>The token key is HKDF-Expand (RFC 5869, SHA-256, one block) of the pseudonymisation key with
 * its own label: equal on every instance, independent of the pseudonym key for anyone without it.
 * {@code toString} never shows a key.
 */
public record KeyEpoch(String id, Instant notBefore, byte[] key, byte[] tokenKey) {

    public static final int MIN_KEY_BYTES = 32;
    private static final byte[] TOKEN_KEY_LABEL = "cdr-pipeline subject tokens v1".getBytes(StandardCharsets.UTF_8);

    public KeyEpoch {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("key epoch id must be 1-64 of [A-Za-z0-9._-]");
        }
        if (key != null && key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("key of epoch " + id + " must be at least " + MIN_KEY_BYTES + " bytes");
        }
        if (tokenKey == null || tokenKey.length != 32) {
            throw new IllegalArgumentException("the token key of epoch " + id + " must be 32 bytes");
        }
        key = key == null ? null : key.clone();
        tokenKey = tokenKey.clone();
    }

    /** An epoch with both keys, the token key derived from {@code key}. */
    public KeyEpoch(String id, Instant notBefore, byte[] key) {
        this(id, notBefore, key, tokenKeyOf(requireKey(id, key)));
    }

    /** The epoch after its pseudonymisation key was destroyed: subject tokens only. */
    public static KeyEpoch tokensOnly(String id, Instant notBefore, byte[] tokenKey) {
        return new KeyEpoch(id, notBefore, null, tokenKey);
    }

    /** The same epoch without its pseudonymisation key. */
    public KeyEpoch withoutPseudonymKey() {
        return new KeyEpoch(id, notBefore, null, tokenKey);
    }

    /** Whether analytics pseudonyms can still be made under this epoch. */
    public boolean pseudonymizes() {
        return key != null;
    }

    /** The pseudonymisation key, or null once destroyed. */
    @Override
    public byte[] key() {
        return key == null ? null : key.clone();
    }

    @Override
    public byte[] tokenKey() {
        return tokenKey.clone();
    }

    /** HKDF-Expand of the epoch key with the subject-token label (one 32-byte block). */
    static byte[] tokenKeyOf(byte[] epochKey) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(HKDFParameters.skipExtractParameters(epochKey, TOKEN_KEY_LABEL));
        byte[] out = new byte[32];
        hkdf.generateBytes(out, 0, out.length);
        return out;
    }

    private static byte[] requireKey(String id, byte[] key) {
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("key of epoch " + id + " must be at least " + MIN_KEY_BYTES + " bytes");
        }
        return key;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyEpoch k && k.id.equals(id) && k.notBefore.equals(notBefore) && Arrays.equals(k.key, key)
                && Arrays.equals(k.tokenKey, tokenKey);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "KeyEpoch[" + id + " from " + notBefore + (key == null ? ", tokens only" : "") + "]";
    }
}
