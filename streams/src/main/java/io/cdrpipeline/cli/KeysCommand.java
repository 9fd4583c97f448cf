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

/** Creates a pseudonymisation key file. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Generate a pseudonymisation key file (billing side only; never give it to analytics).")
final class KeysCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Key file to create (must not exist).")
    Path out;

    @Option(names = "--epoch", paramLabel = "ID", description = "Epoch id (default: the current month, e.g. 2026-11).")
    String epoch;

    @Option(names = "--not-before", paramLabel = "INSTANT", description = "First call start using this key (default: start of the current month, UTC).")
    Instant notBefore;

    @Override
    public Integer call() throws Exception {
        if (Files.exists(out)) {
            throw new IllegalArgumentException(out + " exists; refusing to overwrite a key file");
        }
        Instant monthStart = Instant.now().atZone(ZoneOffset.UTC).withDayOfMonth(1).toLocalDate()
                .atStartOfDay(ZoneOffset.UTC).toInstant();
        String id = epoch != null ? epoch : monthStart.toString().substring(0, 7);
        KeyRing ring = KeyRing.random(id, notBefore != null ? notBefore : monthStart);
        Files.writeString(out, ring.toFileText());
        try {
            Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: permissions are the operator's job there
        }
        System.out.println("wrote key epoch " + id + " to " + out);
        return 0;
    }
}
