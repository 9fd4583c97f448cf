package io.cdrpipeline.pseudonymize;

/**
 * Refuses keys that a person made rather than a random generator: a guessable key lets anyone
 * who has the analytics stream rebuild the pseudonym of every phone number by dictionary. The
 * rule (documented in docs/reference.md, key handling) for a key of n bytes:
 * <ul>
 *   <li>at least min(16, n/2) distinct byte values (32 random bytes have about 30);</li>
 *   <li>not periodic: no period p ≤ n/2 with key[i] = key[i+p] for every i ("ABAB…", "abcabc…");</li>
 *   <li>not an arithmetic run: the differences of neighbouring bytes are not all equal (00 01 02 …);</li>
 *   <li>not text: not every byte printable ASCII (a password or a base64 string pasted as the key).</li>
 * </ul>
 * A key from {@code cdr-pipeline keys} (a {@link java.security.SecureRandom}) fails one of these with a
 * probability below 10<sup>-13</sup>.
 */
public final class KeyStrength {

    private KeyStrength() {
    }

    /** Throws, naming {@code what} and the rule broken (never the key), when the key looks man-made. */
    public static void require(byte[] key, String what) {
        String weakness = weakness(key);
        if (weakness != null) {
            throw new IllegalArgumentException(what + " is too weak (" + weakness + "): generate one with "
                    + "cdr-pipeline keys --out FILE (or keys --master-key --out FILE)");
        }
    }

    /** Why a key is weak, or null. */
    public static String weakness(byte[] key) {
        int n = key.length;
        boolean[] seen = new boolean[256];
        int distinct = 0;
        boolean text = true;
        for (byte b : key) {
            int v = b & 0xFF;
            if (!seen[v]) {
                seen[v] = true;
                distinct++;
            }
            text &= v >= 0x20 && v < 0x7F;
        }
        if (distinct < Math.min(16, n / 2)) {
            return "only " + distinct + " distinct byte values in " + n;
        }
        for (int p = 1; p <= n / 2; p++) {
            boolean periodic = true;
            for (int i = 0; i + p < n && periodic; i++) {
                periodic = key[i] == key[i + p];
            }
            if (periodic) {
                return "a pattern of " + p + " byte(s) repeated";
            }
        }
        boolean run = n > 2;
        for (int i = 2; i < n && run; i++) {
            run = (byte) (key[i] - key[i - 1]) == (byte) (key[1] - key[0]);
        }
        if (run) {
            return "a counting sequence";
        }
        if (text) {
            return "printable text, not random bytes";
        }
        return null;
    }
}
