package io.cdrpipeline.pseudonymize;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 instances of a {@link Pseudonymizer}, one per key epoch for pseudonyms and one
 * for subject tokens (under a key derived apart), and a bounded cache of recent pseudonyms — all
 * dropped when the key ring changes, so that a destroyed key does not live on in a cached Mac.
 * Not thread-safe: one per stream task.
 */
final class EpochMacs {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int PSEUDONYM_BYTES = 16;
    private static final int CACHE_SIZE = 50_000;

    private final Map<String, Mac> macs = new HashMap<>();
    /** Per epoch, the Mac of subject tokens: under a key derived apart from the pseudonym key. */
    private final Map<String, Mac> tokenMacs = new HashMap<>();
    /**
     * Pseudonyms of repeated inputs (numbers, accounts), one bounded LRU map per epoch and kind: real
     * traffic repeats numbers, and one CDR needs each of its numbers' pseudonyms several times. Keyed
     * by the input itself (no key string built per lookup).
     */
    private final Map<String, Map<String, String>> recentPseudonyms = new HashMap<>();
    private final Map<String, Map<String, String>> recentTokens = new HashMap<>();
    private int ringGeneration;

    /** A destroyed key must not live on in a cached Mac: drop them all when the ring changes. */
    void forgetIfChanged(int g) {
        if (g != ringGeneration) {
            macs.clear();
            tokenMacs.clear();
            recentPseudonyms.clear();
            recentTokens.clear();
            ringGeneration = g;
        }
    }

    /** The epoch's pseudonym Mac; the epoch must still have its pseudonymisation key. */
    Mac pseudonymMac(KeyEpoch epoch) {
        return macs.computeIfAbsent(epoch.id(), id -> hmac(epoch.key()));
    }

    Mac tokenMac(KeyEpoch epoch) {
        return tokenMacs.computeIfAbsent(epoch.id(), id -> hmac(epoch.tokenKey()));
    }

    /** Which Mac a cached value came from: a pseudonym and a token of one input differ. */
    static final char PSEUDONYM = '\u0000';
    static final char TOKEN = '\u0001';

    /** The HMAC of {@code input} under {@code mac} (the epoch's {@code kind} Mac), from the cache when recent. */
    String cached(KeyEpoch epoch, Mac mac, char kind, String input) {
        Map<String, String> cache = (kind == TOKEN ? recentTokens : recentPseudonyms).computeIfAbsent(epoch.id(), k -> lru());
        String p = cache.get(input);
        if (p == null) {
            p = pseudonym(mac, input);
            cache.put(input, p);
        }
        return p;
    }

    private static Map<String, String> lru() {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > CACHE_SIZE;
            }
        };
    }

    /** 128 bits of the HMAC, base64url. */
    static String pseudonym(Mac mac, String input) {
        byte[] digest = mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
        return BASE64URL.encodeToString(Arrays.copyOf(digest, PSEUDONYM_BYTES));
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
