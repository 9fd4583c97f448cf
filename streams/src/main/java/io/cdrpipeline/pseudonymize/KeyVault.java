package io.cdrpipeline.pseudonymize;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.util.Arrays;

/**
 * Wraps and unwraps pseudonymisation keys for the key topic with AES-256-GCM under a master key
 * that only the billing side holds (environment {@code CDR_MASTER_KEY}). The epoch id and its
 * start are bound into the authentication tag, so a wrapped key cannot be moved to another epoch.
 * Format of a value: {@code v1:<not-before ISO>:<base64 nonce>:<base64 ciphertext+tag>}.
 *
 * <p><b>Rotation.</b> The audit key, the erasure sealing key pair and {@code s1} seals derive from
 * the vault's <i>root</i>, which is the first master key of the deployment. Rotating the master key
 * re-wraps every epoch and writes the root, wrapped under the new master key, as the key record
 * {@code #root}: receipts, the deletion ledger and sealed requests stay valid across rotations.
 */
public final class KeyVault {

    public static final String MASTER_KEY_ENV = "CDR_MASTER_KEY";
    /** Bound into the tag of a sealed erasure subject: it opens only as that. */
    public static final String ERASURE_CONTEXT = "cdr-pipeline erasure subject v1";
    private static final int NONCE_BYTES = 12;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] ROOT_AAD = "cdr-pipeline root v1".getBytes(StandardCharsets.UTF_8);

    /** The key record holding the root, wrapped under the master key, once the master key was rotated. */
    public static final String ROOT_RECORD = "#root";

    private final SecretKeySpec master;
    /** What the audit key, the sealing pair and s1 seals derive from: the deployment's first master key. */
    private final SecretKeySpec root;

    public KeyVault(byte[] masterKey) {
        this(masterKey, masterKey);
    }

    private KeyVault(byte[] masterKey, byte[] rootKey) {
        if (masterKey == null || masterKey.length != 32) {
            throw new IllegalArgumentException("the master key must be 32 bytes (base64 in $" + MASTER_KEY_ENV + ")");
        }
        this.master = new SecretKeySpec(masterKey, "AES");
        this.root = new SecretKeySpec(rootKey, "AES");
    }

    /** This master key with the root a {@code #root} record holds (wrapped under this master key). */
    public KeyVault withRoot(String wrapped) {
        String[] parts = wrapped.split(":");
        if (parts.length != 3 || !parts[0].equals("r1")) {
            throw new IllegalArgumentException("the " + ROOT_RECORD + " key record is not of format r1");
        }
        try {
            return new KeyVault(master.getEncoded(), decrypt(parts[1], parts[2], ROOT_AAD));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the " + ROOT_RECORD + " key record cannot be unwrapped (wrong master key or "
                    + "tampered; after a rotation every instance needs the new master key)");
        }
    }

    /** The vault of {@code newMasterKey} with this vault's root: what a rotation makes. */
    public KeyVault rotatedTo(byte[] newMasterKey) {
        return new KeyVault(newMasterKey, root.getEncoded());
    }

    /** The root, wrapped under the master key, for the {@code #root} key record: {@code r1:<nonce>:<ciphertext+tag>}. */
    public String wrapRoot() {
        return "r1:" + encrypt(root.getEncoded(), ROOT_AAD);
    }

    /** The master key as an operator gives it (base64 of 32 random bytes); a guessable one is refused. */
    public static KeyVault fromEnvironment(String base64) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("$" + MASTER_KEY_ENV + " is not base64 of 32 bytes");
        }
        KeyStrength.require(key, "the master key");
        return new KeyVault(key);
    }

    /** The audit trail's key in key-store mode: derived from the root, so it outlives every epoch and rotation. */
    public AuditKey auditKey() {
        return AuditKey.derivedFrom(root.getEncoded());
    }

    /** The key pair erasure subjects are sealed to, in key-store mode: derived from the root. */
    public SubjectSealing sealing() {
        return SubjectSealing.derivedFrom(root.getEncoded());
    }

    /**
     * The epoch's token key, wrapped for the key record {@code <id>#tokens} that keeps it once the
     * epoch's pseudonymisation key is destroyed: {@code t1:<not-before>:<nonce>:<ciphertext+tag>}, with
     * "tokens", the epoch id and start bound into the tag.
     */
    public String wrapTokenKey(KeyEpoch epoch) {
        return "t1:" + epoch.notBefore() + ":" + encrypt(epoch.tokenKey(), tokenAad(epoch.id(), epoch.notBefore()));
    }

    /** The epoch (token key only) of a {@code <id>#tokens} record. */
    public KeyEpoch unwrapTokenKey(String epochId, String wrapped) {
        String[] parts = wrapped.split(":", 0);
        if (parts.length < 5 || !parts[0].equals("t1")) {
            throw new IllegalArgumentException("token key of epoch " + epochId + ": not of format t1");
        }
        String instant = String.join(":", Arrays.copyOfRange(parts, 1, parts.length - 2));
        try {
            Instant notBefore = Instant.parse(instant);
            byte[] key = decrypt(parts[parts.length - 2], parts[parts.length - 1], tokenAad(epochId, notBefore));
            return KeyEpoch.tokensOnly(epochId, notBefore, key);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("token key of epoch " + epochId + " cannot be unwrapped (wrong master key or tampered)");
        }
    }

    private String encrypt(byte[] plain, byte[] aad) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, master, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            Base64.Encoder b64 = Base64.getEncoder();
            return b64.encodeToString(nonce) + ":" + b64.encodeToString(c.doFinal(plain));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private byte[] decrypt(String nonce, String sealed, byte[] aad) throws GeneralSecurityException {
        Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
        c.init(Cipher.DECRYPT_MODE, master, new GCMParameterSpec(128, Base64.getDecoder().decode(nonce)));
        c.updateAAD(aad);
        return c.doFinal(Base64.getDecoder().decode(sealed));
    }

    private static byte[] tokenAad(String epochId, Instant notBefore) {
        byte[] label = "tokens".getBytes(StandardCharsets.UTF_8);
        byte[] rest = aad(epochId, notBefore);
        return ByteBuffer.allocate(label.length + 1 + rest.length).put(label).put((byte) 0).put(rest).array();
    }

    public String wrap(KeyEpoch epoch) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, master, new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(epoch.id(), epoch.notBefore()));
            byte[] sealed = c.doFinal(epoch.key());
            Base64.Encoder b64 = Base64.getEncoder();
            return "v1:" + epoch.notBefore() + ":" + b64.encodeToString(nonce) + ":" + b64.encodeToString(sealed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public KeyEpoch unwrap(String epochId, String wrapped) {
        String[] parts = wrapped.split(":", 0);
        // The ISO instant contains ':' itself: v1, then the instant, then nonce and ciphertext.
        if (parts.length < 5 || !parts[0].equals("v1")) {
            throw new IllegalArgumentException("key epoch " + epochId + ": not a wrapped key of format v1");
        }
        String instant = String.join(":", Arrays.copyOfRange(parts, 1, parts.length - 2));
        try {
            Instant notBefore = Instant.parse(instant);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, master, new GCMParameterSpec(128, Base64.getDecoder().decode(parts[parts.length - 2])));
            c.updateAAD(aad(epochId, notBefore));
            return new KeyEpoch(epochId, notBefore, c.doFinal(Base64.getDecoder().decode(parts[parts.length - 1])));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("key epoch " + epochId + " cannot be unwrapped (wrong master key or tampered)");
        }
    }

    /**
     * Seals a small secret (an erasure subject) for a topic: AES-256-GCM under the root with
     * {@code context} bound into the tag. Format {@code s1:<base64 nonce>:<base64 ciphertext+tag>}.
     */
    public String seal(String plain, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, root, new GCMParameterSpec(128, nonce));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            Base64.Encoder b64 = Base64.getEncoder();
            return "s1:" + b64.encodeToString(nonce) + ":" + b64.encodeToString(c.doFinal(plain.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** What {@link #seal} sealed under the same context; an exception for another key, context or format. */
    public String unseal(String sealed, String context) {
        String[] parts = sealed.split(":");
        if (parts.length != 3 || !parts[0].equals("s1")) {
            throw new IllegalArgumentException("not a sealed value of format s1");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, root, new GCMParameterSpec(128, Base64.getDecoder().decode(parts[1])));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(Base64.getDecoder().decode(parts[2])), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("a sealed value cannot be opened (wrong master key or tampered)");
        }
    }

    private static byte[] aad(String epochId, Instant notBefore) {
        byte[] id = epochId.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(id.length + 8).put(id).putLong(notBefore.getEpochSecond()).array();
    }
}
