package io.cdrpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit and kpi commands stop on bad arguments with exit code 2 before they ask the cluster
 * anything: the configuration names a port nobody listens on and a start-up timeout of a minute, so
 * a command that asked first would take that minute and exit 1.
 */
class AuditArgumentsTest {

    @Test
    void badArgumentsStopBeforeTheClusterIsAsked(@TempDir Path dir) throws Exception {
        Path conf = Files.writeString(dir.resolve("p.properties"), "bootstrap.servers=127.0.0.1:1\nstartup.timeout=60s\n");
        Path garbage = Files.writeString(dir.resolve("bad.pub"), "garbage\n");
        String c = conf.toString();
        Path noKey = Files.writeString(dir.resolve("run.properties"), "bootstrap.servers=127.0.0.1:1\nstartup.timeout=60s\n"
                + "audit.signing.key.file=" + dir.resolve("audit.key") + "\nsource.p.region=DE\nsource.p.zone=UTC\n");
        String[][] commands = {
            {"audit", "verify", "--config", c, "--verifier-key", garbage.toString()},
            {"audit", "verify", "--config", c, "--verifier-key", dir.resolve("missing.pub").toString()},
            {"audit", "verify", "--config", c},   // no --verifier-key and no audit.signing.key.file
            {"audit", "prove", "--config", c, "--case", "not a case ref", "--verifier-key", garbage.toString()},
            {"audit", "prove", "--config", c, "--record-id", "x", "--case", "C-1"},
            {"audit", "reconcile", "--config", c, "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/b", "--table", "b;drop"},
            {"kpi", "--config", c, "--window", "2h"},
            {"kpi", "--config", c, "--windows", "0"},
            {"run", "--config", noKey.toString()},   // the audit signing key file does not exist
        };
        for (String[] command : commands) {
            long t0 = System.nanoTime();
            assertThat(CdrPipelineCli.execute(command)).as(String.join(" ", command)).isEqualTo(2);
            assertThat((System.nanoTime() - t0) / 1_000_000).as("%s asked no cluster", String.join(" ", command))
                    .isLessThan(30_000);
        }
    }
}
