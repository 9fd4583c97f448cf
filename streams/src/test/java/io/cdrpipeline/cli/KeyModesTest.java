package io.cdrpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, finding 7: `run` on a key file never rotated nor shredded, and nothing said so. Static
 * keys are now refused by `run` unless the config names the mode; the master key can come from a
 * file (a container secret) as well as from the environment.
 */
class KeyModesTest {

    @TempDir
    Path dir;

    @Test
    void runRefusesAStaticKeyFileUnlessTheModeSaysStatic() throws Exception {
        Path keys = dir.resolve("keys.properties");
        Files.writeString(keys, KeyRing.random("2026-11", Instant.EPOCH).toFileText());
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-------"));
        Path conf = config("pseudonym.key.file=" + keys + "\n");
        String err = stderrOf(() -> assertThat(CdrPipelineCli.execute("run", "--config", conf.toString())).isEqualTo(2));
        assertThat(err).contains("never rotate", "pseudonym.key.mode=static", "keys --master-key");
        Path typo = config("pseudonym.key.file=" + keys + "\npseudonym.key.mode=statik\n");
        assertThat(stderrOf(() -> assertThat(CdrPipelineCli.execute("run", "--config", typo.toString())).isEqualTo(2)))
                .contains("pseudonym.key.mode", "statik");
        // The mode given, the static keys are what run would use.
        assertThat(io.cdrpipeline.app.PipelineKeys.staticKeysForRun(PipelineConfig.load(config("pseudonym.key.file=" + keys
                + "\npseudonym.key.mode=static\n"), Map.of())).epochs()).hasSize(1);
    }

    @Test
    void keyFilesOthersCanReadAndGuessableKeysAreRefused() throws Exception {
        Path keys = dir.resolve("loose.properties");
        Files.writeString(keys, KeyRing.random("2026-11", Instant.EPOCH).toFileText());
        Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rw-r--r--"));
        Path conf = config("pseudonym.key.file=" + keys + "\npseudonym.key.mode=static\n");
        assertThat(stderrOf(() -> assertThat(CdrPipelineCli.execute("run", "--config", conf.toString())).isEqualTo(2)))
                .contains("pseudonym.key.file", "accessible by group or others", "chmod 600 " + keys);
        Path master = dir.resolve("zero.key");
        Files.writeString(master, Base64.getEncoder().encodeToString(new byte[32]));
        Files.setPosixFilePermissions(master, PosixFilePermissions.fromString("rw-------"));
        Path zeroConf = config("pseudonym.master.key.file=" + master + "\n");
        assertThat(stderrOf(() -> assertThat(CdrPipelineCli.execute("run", "--config", zeroConf.toString())).isEqualTo(2)))
                .contains("pseudonym.master.key.file", "too weak", "keys --master-key");
        Files.setPosixFilePermissions(master, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(stderrOf(() -> assertThat(CdrPipelineCli.execute("run", "--config", zeroConf.toString())).isEqualTo(2)))
                .contains("chmod 600");
    }

    @Test
    void aMasterKeyFileIsCreatedPrivateAndSelectsTheKeyStore() throws Exception {
        Path master = dir.resolve("master.key");
        assertThat(CdrPipelineCli.execute("keys", "--master-key", "--out", master.toString())).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(master))).isEqualTo("rw-------");
        assertThat(Base64.getDecoder().decode(Files.readString(master).strip())).hasSize(32);
        assertThat(CdrPipelineCli.execute("keys", "--master-key", "--out", master.toString())).as("never overwrites").isEqualTo(2);
        PipelineConfig c = PipelineConfig.load(config("pseudonym.master.key.file=" + master + "\n"), Map.of());
        assertThat(io.cdrpipeline.app.PipelineKeys.masterKeyVault(c)).isNotNull();
        Files.writeString(dir.resolve("bad.key"), "not a key");
        Files.setPosixFilePermissions(dir.resolve("bad.key"), PosixFilePermissions.fromString("rw-------"));
        PipelineConfig bad = PipelineConfig.load(config("pseudonym.master.key.file=" + dir.resolve("bad.key") + "\n"), Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.cdrpipeline.app.PipelineKeys.masterKeyVault(bad))
                .hasMessageContaining("pseudonym.master.key.file").hasMessageNotContaining("not a key");
        // A static key file created by `keys --out` is private from its first byte too.
        Path file = dir.resolve("static.properties");
        assertThat(CdrPipelineCli.execute("keys", "--out", file.toString())).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    private Path config(String extra) throws Exception {
        Path p = Files.createTempFile(dir, "pipeline", ".properties");
        Files.writeString(p, "bootstrap.servers=127.0.0.1:1\n" + extra);
        return p;
    }

    private static String stderrOf(Runnable r) {
        PrintStream old = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Issue 23, finding 6: exact reasons for key files that are not files. */
    @Test
    void keyFilesThatAreNoFilesAreRefusedForWhatTheyAre() throws Exception {
        Path conf = config("pseudonym.key.file=" + dir + "\npseudonym.key.mode=static\n");
        assertThat(stderrOf(() -> assertThat(CdrPipelineCli.execute("run", "--config", conf.toString())).isEqualTo(2)))
                .contains("is a directory, not a key file");
        Path dangling = dir.resolve("dangling.key");
        Files.createSymbolicLink(dangling, dir.resolve("nowhere"));
        assertThat(stderrOf(() -> assertThat(CdrPipelineCli.execute("keys", "--master-key", "--out", dangling.toString()))
                .isEqualTo(2))).contains("is a link to nothing");
        Path missingDir = dir.resolve("no-such-dir").resolve("master.key");
        assertThat(stderrOf(() -> assertThat(CdrPipelineCli.execute("keys", "--master-key", "--out", missingDir.toString()))
                .isEqualTo(2))).contains("does not exist; create it first");
    }
}
