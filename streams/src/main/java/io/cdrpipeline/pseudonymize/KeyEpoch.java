package io.cdrpipeline.pseudonymize;

import java.time.Instant;
import java.util.Arrays;

/**
 * One pseudonymisation key and the instant from which calls use it. Pseudonyms made under
 * different epochs are unlinkable; destroying an epoch's key makes its pseudonyms unlinkable to
 * numbers for good. {@code toString} never shows the key.
 */
public record KeyEpoch(String id, Instant notBefore, byte[] key) {

    public static final int MIN_KEY_BYTES = 32;

    public KeyEpoch {
        if (id == null || !id.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("key epoch id must be 1-64 of [A-Za-z0-9._-]");
        }
        if (key == null || key.length < MIN_KEY_BYTES) {
            throw new IllegalArgumentException("key of epoch " + id + " must be at least " + MIN_KEY_BYTES + " bytes");
        }
        key = key.clone();
    }

    @Override
    public byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyEpoch k && k.id.equals(id) && k.notBefore.equals(notBefore) && Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return "KeyEpoch[" + id + " from " + notBefore + "]";
    }
}
