package io.cdrpipeline.audit;

import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.SecretFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 signed notes in the C2SP {@code signed-note} format — what a transparency log's
 * checkpoint is (C2SP {@code tlog-checkpoint}): a text body, a blank line, and one line per
 * signature, {@code — <name> base64(key id ‖ signature)}, where the key id is the first four bytes
 * of {@code SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)}. The verifier key is written as the format's
 * {@code <name>+<key id hex>+base64(0x01 ‖ public key)}, which anyone can check a note with (the
 * JDK's Ed25519, Go's {@code sumdb/note}, or the few lines of Python in docs/privacy.md).
 */
public final class NoteSigner {

    private static final byte ED25519 = 0x01;
    /** The X.509 (SubjectPublicKeyInfo) prefix of a 32-byte Ed25519 public key. */
    private static final byte[] X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final String DASH = "\u2014 ";

    private final String name;
    private final PrivateKey key;
    private final byte[] publicKey;

    private NoteSigner(String name, PrivateKey key, byte[] publicKey) {
        if (!name.matches("[A-Za-z0-9._/-]{1,100}")) {
            throw new ConfigException("audit signing key name '" + name + "': 1-100 of A-Z a-z 0-9 . _ / -");
        }
        this.name = name;
        this.key = key;
        this.publicKey = publicKey;
    }

    /** A new key pair under {@code name}. */
    public static NoteSigner generate(String name) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            return new NoteSigner(name, pair.getPrivate(), raw(pair.getPublic()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The signing key file {@code keys --audit-signing-key} wrote: PKCS#8 PEM, its name in a comment line. */
    public static NoteSigner load(Path file) {
        // A private key like the others: refused when group or others may read it.
        String text = SecretFiles.read(file, "audit.signing.key.file");
        String name = text.lines().filter(l -> l.startsWith("# name: ")).map(l -> l.substring(8).trim()).findFirst()
                .orElseThrow(() -> new ConfigException("audit.signing.key.file " + file + ": no '# name:' line (write the "
                        + "file with `cdr-pipeline keys --audit-signing-key --out FILE`)"));
        String pem = text.replaceAll("(?m)^#.*$", "").replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "").replaceAll("\\s", "");
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey key = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(pem)));
            // The public key, from the private one: sign a probe and find it from the file's stated public key.
            String vkey = text.lines().filter(l -> l.startsWith("# verifier key: ")).map(l -> l.substring(16).trim())
                    .findFirst().orElseThrow(() -> new ConfigException("audit.signing.key.file " + file
                            + ": no '# verifier key:' line"));
            byte[] pub = Verifier.parse(vkey).publicKey;
            NoteSigner signer = new NoteSigner(name, key, pub);
            String probe = "probe\n";
            if (!Verifier.parse(vkey).verify(signer.sign(probe)).equals(probe)) {
                throw new ConfigException("audit.signing.key.file " + file + ": the private key does not match its verifier key");
            }
            return signer;
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new ConfigException("audit.signing.key.file " + file + ": not an Ed25519 private key (PKCS#8 PEM)");
        }
    }

    /** The key file's text: name, verifier key, and the PKCS#8 PEM private key. */
    public String keyFile() {
        return "# cdr-pipeline audit signing key (Ed25519): signs the checkpoints of the deletion receipts\n"
                + "# name: " + name + "\n# verifier key: " + verifierKey() + "\n-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    /** {@code <name>+<key id hex>+base64(0x01 ‖ public key)}: what an auditor needs, and all. */
    public String verifierKey() {
        byte[] typed = new byte[33];
        typed[0] = ED25519;
        System.arraycopy(publicKey, 0, typed, 1, 32);
        return name + "+" + HexFormat.of().formatHex(keyId(name, publicKey)) + "+" + Base64.getEncoder().encodeToString(typed);
    }

    public String name() {
        return name;
    }

    /** The note: {@code body} (ending in a newline), a blank line, this key's signature line. */
    public String sign(String body) {
        if (!body.endsWith("\n") || body.contains("\n\n")) {
            throw new IllegalArgumentException("a note body ends with a newline and has no blank line");
        }
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(body.getBytes(StandardCharsets.UTF_8));
            byte[] sig = s.sign();
            byte[] line = new byte[4 + sig.length];
            System.arraycopy(keyId(name, publicKey), 0, line, 0, 4);
            System.arraycopy(sig, 0, line, 4, sig.length);
            return body + "\n" + DASH + name + " " + Base64.getEncoder().encodeToString(line) + "\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks notes against one verifier key. */
    public static final class Verifier {
        private final String name;
        private final byte[] publicKey;
        private final PublicKey key;

        private Verifier(String name, byte[] publicKey) throws GeneralSecurityException {
            this.name = name;
            this.publicKey = publicKey;
            byte[] x509 = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
            System.arraycopy(publicKey, 0, x509, X509_PREFIX.length, 32);
            this.key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
        }

        /** A verifier key as {@link #verifierKey()} writes it. */
        public static Verifier parse(String vkey) {
            String[] parts = vkey.trim().split("\\+", 3);
            try {
                byte[] typed = Base64.getDecoder().decode(parts[2]);
                if (parts.length != 3 || typed.length != 33 || typed[0] != ED25519) {
                    throw new IllegalArgumentException();
                }
                byte[] pub = Arrays.copyOfRange(typed, 1, 33);
                if (!HexFormat.of().formatHex(keyId(parts[0], pub)).equals(parts[1])) {
                    throw new IllegalArgumentException();
                }
                return new Verifier(parts[0], pub);
            } catch (RuntimeException | GeneralSecurityException e) {
                throw new ConfigException("'" + vkey + "' is not an Ed25519 verifier key (<name>+<key id>+<base64 key>)");
            }
        }

        public String name() {
            return name;
        }

        /**
         * The note's body if it carries a valid signature by this key; throws naming why not (no
         * signature by this key, a bad signature, a malformed note).
         */
        public String verify(String note) {
            int split = note.indexOf("\n\n");
            if (split < 0) {
                throw new IllegalArgumentException("not a signed note (no blank line before the signatures)");
            }
            String body = note.substring(0, split + 1);
            byte[] id = keyId(name, publicKey);
            boolean signedByOther = false;
            for (String line : note.substring(split + 2).split("\n")) {
                if (!line.startsWith(DASH)) {
                    throw new IllegalArgumentException("not a signature line: " + line);
                }
                String[] parts = line.substring(DASH.length()).split(" ");
                byte[] sig;
                try {
                    sig = Base64.getDecoder().decode(parts[1]);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("a signature line that is not base64");
                }
                if (!parts[0].equals(name) || sig.length != 68 || !Arrays.equals(Arrays.copyOf(sig, 4), id)) {
                    signedByOther = true;
                    continue;
                }
                try {
                    Signature s = Signature.getInstance("Ed25519");
                    s.initVerify(key);
                    s.update(body.getBytes(StandardCharsets.UTF_8));
                    if (s.verify(Arrays.copyOfRange(sig, 4, 68))) {
                        return body;
                    }
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
                throw new IllegalArgumentException("the signature of " + name + " does not verify (the note was changed)");
            }
            throw new IllegalArgumentException(signedByOther ? "signed by another key, not by " + name : "no signature");
        }
    }

    static byte[] keyId(String name, byte[] publicKey) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(name.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0x0A);
            d.update(ED25519);
            d.update(publicKey);
            return Arrays.copyOf(d.digest(), 4);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] raw(PublicKey key) {
        byte[] x509 = key.getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }
}
