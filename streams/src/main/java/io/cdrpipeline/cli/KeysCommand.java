package io.cdrpipeline.cli;

import io.cdrpipeline.pseudonymize.KeyRing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import java.io.IOException;
import java.nio.file.LinkOption;
import java.security.SecureRandom;
import java.util.Base64;

/** Creates a master key file (production) or a static pseudonymisation key file (labs and tests). */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Generate a master key file (--master-key: production, rotating keys on the key topic) or a static "
                + "pseudonymisation key file (billing side only; never give either to analytics).")
final class KeysCommand implements Callable<Integer> {

    @Option(names = "--master-key", description = "Write a master key (base64 of 32 random bytes) for "
            + "pseudonym.master.key.file or $CDR_MASTER_KEY, instead of a static key file.")
    boolean masterKey;

    @Option(names = "--audit-signing-key", description = "Write an Ed25519 key for audit.signing.key.file (signs the "
            + "checkpoints of the deletion receipts) and its verifier key to FILE.pub, for auditors.")
    boolean auditSigningKey;

    @Option(names = "--name", paramLabel = "NAME", description = "With --audit-signing-key: the key's name in signatures "
            + "(default: cdr-pipeline-audit).")
    String name = "cdr-pipeline-audit";

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Key file to create (must not exist).")
    Path out;

    @Option(names = "--epoch", paramLabel = "ID", description = "Epoch id (default: the current month, e.g. 2026-11).")
    String epoch;

    @Option(names = "--not-before", paramLabel = "INSTANT", description = "First call start using this key (default: start of the current month, UTC).")
    Instant notBefore;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException(out + (Files.isSymbolicLink(out) && !Files.exists(out)
                    ? " is a link to nothing; a key file is created as a new file, never through a link"
                    : " exists; refusing to overwrite a key file"));
        }
        Path dir = out.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("the directory " + dir + " does not exist; create it first (mkdir -p "
                    + dir + ", readable by the key's owner only: chmod 700)");
        }
        if (masterKey && auditSigningKey) {
            throw new IllegalArgumentException("--master-key and --audit-signing-key write different files: one at a time");
        }
        if (auditSigningKey) {
            io.cdrpipeline.audit.NoteSigner signer = io.cdrpipeline.audit.NoteSigner.generate(name);
            Path pub = Path.of(out + ".pub");
            if (Files.exists(pub, LinkOption.NOFOLLOW_LINKS)) {
                throw new IllegalArgumentException(pub + " exists; refusing to overwrite a key file");
            }
            writePrivate(out, signer.keyFile());
            Files.writeString(pub, signer.verifierKey() + "\n");
            System.out.println("wrote an audit signing key to " + out + " (audit.signing.key.file=" + out.toAbsolutePath()
                    + ") and its verifier key to " + pub + " (give that one to auditors): " + signer.verifierKey());
            return 0;
        }
        if (masterKey) {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            writePrivate(out, Base64.getEncoder().encodeToString(key) + "\n");
            System.out.println("wrote a master key to " + out + " (pseudonym.master.key.file=" + out.toAbsolutePath() + ")");
            return 0;
        }
        Instant monthStart = Instant.now().atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate()
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        String id = epoch != null ? epoch : monthStart.toString().substring(0, 7);
        KeyRing ring = KeyRing.random(id, notBefore != null ? notBefore : monthStart);
        writePrivate(out, ring.toFileText());
        System.out.println("wrote key epoch " + id + " to " + out + " (static keys: run takes them only with "
                + "pseudonym.key.mode=static)");
        return 0;
    }

    /** Creates the file readable by its owner only from the first byte on (not written, then restricted). */
    private static void writePrivate(Path out, String text) throws IOException {
        try {
            Files.createFile(out, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(out);   // not a POSIX file system: permissions are the operator's job there
        }
        Files.writeString(out, text);
    }
}
