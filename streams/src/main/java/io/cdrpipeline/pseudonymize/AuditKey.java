package io.cdrpipeline.pseudonymize;

import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;

/**
 * The key of the audit trail's record hashes. A receipt names the record it deleted by
 * HMAC-SHA256(audit key, topic, 0, record key) truncated to 128 bits: whoever holds the record id
 * and the audit key (the billing side, an auditor it lets in) can prove which record a receipt is
 * for; whoever holds only record ids or only receipts cannot link them. Derived on the billing side
 * from the master key (key-store mode) or from the key file's first epoch (key-file mode), so it is
 * stable across restarts. Not thread-safe (reuses a Mac).
 */
public final class AuditKey {

    private static final byte[] LABEL = "cdr-pipeline audit key v1".getBytes(StandardCharsets.UTF_8);

    private final byte[] key;
    private Mac mac;

    private AuditKey(byte[] key) {
        this.key = key.clone();
    }

    /** Derived from secret material of the billing side (the master key, or a key epoch's key). */
    public static AuditKey derivedFrom(byte[] secret) {
        return new AuditKey(hmac(secret, LABEL));
    }

    /** Key-file mode (and tests): derived from the ring's first epoch, which a key file never loses. */
    public static AuditKey of(KeyRing ring) {
        return derivedFrom(fixedSecret(ring));
    }

    /**
     * In key-file mode, the secret the audit key and the erasure sealing key derive from: the key
     * of the ring's first epoch by id, which a key file never loses.
     */
    public static byte[] fixedSecret(KeyRing ring) {
        KeyEpoch first = ring.epochs().stream().min(Comparator.comparing(KeyEpoch::id))
                .orElseThrow(() -> new IllegalArgumentException("no key epoch to derive the audit key from"));
        return first.key() != null ? first.key() : first.tokenKey();
    }

    /** A copy of the key bytes, for an auditor's own verification. */
    public byte[] bytes() {
        return key.clone();
    }

    /** The receipt's key hash of a record key in a topic: 128 bits, hex. */
    public String hash(String topic, String recordKey) {
        return HexFormat.of().formatHex(hashBytes(topic, recordKey));
    }

    /** {@link #hash} as its 16 bytes. */
    public byte[] hashBytes(String topic, String recordKey) {
        Mac m = mac();
        m.update(topic.getBytes(StandardCharsets.UTF_8));
        m.update((byte) 0);
        return Arrays.copyOf(m.doFinal(recordKey.getBytes(StandardCharsets.UTF_8)), 16);
    }

    /**
     * The key hash of an aggregated receipt: HMAC-SHA256 of 0x01, topic, 0 and the listed record
     * hashes, comma-separated, truncated to 128 bits, hex. The leading 0x01 keeps it apart from every
     * record's hash (a topic name never starts with it).
     */
    public String digest(String topic, List<String> recordHashes) {
        Mac m = mac();
        m.update((byte) 1);
        m.update(topic.getBytes(StandardCharsets.UTF_8));
        m.update((byte) 0);
        return HexFormat.of().formatHex(m.doFinal(String.join(",", recordHashes).getBytes(StandardCharsets.UTF_8)), 0, 16);
    }

    private Mac mac() {
        if (mac == null) {
            try {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        }
        return mac;
    }

    /** A fresh instance with the same key (one per stream task). */
    public AuditKey copy() {
        return new AuditKey(key);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }
}
