package io.cdrpipeline.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Reads files that hold secrets (keys, the master key, ingest credentials, keystore passwords) and
 * refuses them, as ssh refuses a private key, when group or others may read or write them: a key
 * that anyone on the host can read protects nothing. On file systems without POSIX permissions
 * the check is skipped.
 */
public final class SecretFiles {

    private static final Set<PosixFilePermission> LOOSE = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private SecretFiles() {
    }

    /** The file's text, once its permissions are checked; {@code setting} names it in every message. */
    public static String read(Path file, String setting) {
        requirePrivate(file, setting);
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(setting + ": cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Refuses a file that group or others can read or write, naming the {@code chmod} that fixes it. */
    public static void requirePrivate(Path file, String setting) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(setting + ": " + file + " is a directory, not a key file");
        }
        if (!Files.exists(file)) {
            throw new ConfigException(setting + ": " + file + (Files.isSymbolicLink(file) ? " is a link to nothing"
                    : " does not exist"));
        }
        Set<PosixFilePermission> perms;
        try {
            perms = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return;
        } catch (IOException e) {
            throw new ConfigException(setting + ": cannot read " + file + ": " + e.getMessage());
        }
        if (perms.stream().anyMatch(LOOSE::contains)) {
            throw new ConfigException(setting + ": " + file + " holds a secret but is accessible by group or others ("
                    + PosixFilePermissions.toString(perms) + "); run: chmod 600 " + file);
        }
    }
}
