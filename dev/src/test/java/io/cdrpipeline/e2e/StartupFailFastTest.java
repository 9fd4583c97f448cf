package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.ErrorText;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Commands facing a cluster that is not there give up within {@code startup.timeout}, naming the
 * setting; a pipeline facing a cluster without its topics names the topics and the command that
 * creates them; every failure carries its cause chain.
 */
class StartupFailFastTest {

    private static final Path WORK = Path.of("target", "failfast-" + System.nanoTime()).toAbsolutePath();

    private record Outcome(int exit, long millis, String err) {
    }

    private static Outcome cli(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        long t0 = System.nanoTime();
        try {
            int exit = CdrPipelineCli.execute(args);
            return new Outcome(exit, (System.nanoTime() - t0) / 1_000_000, err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(before);
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static Path config(String bootstrap, String extra) throws IOException {
        Files.createDirectories(WORK);
        Path f = Files.createTempFile(WORK, "c", ".properties");
        Path keys = WORK.resolve("keys-" + System.nanoTime() + ".properties");
        Files.writeString(keys, io.cdrpipeline.pseudonymize.KeyRing.random("t", java.time.Instant.EPOCH).toFileText());
        Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(f, "pseudonym.key.mode=static\npseudonym.key.file=" + keys + "\nbootstrap.servers=" + bootstrap + "\nstartup.timeout=3s\nops.port=-1\n"
                + "state.dir=" + WORK.resolve("state") + "\nsource.pbx.region=DE\nsource.pbx.zone=Europe/Berlin\n"
                + "ingest.http.source=pbx\ningest.http.port=0\ningest.http.credentials=fs:a-long-password\n" + extra);
        return f;
    }

    @Test
    void shouldGiveUpOnAClosedPortWithinTheStartupTimeoutNamingTheSetting() throws Exception {
        Path conf = config("127.0.0.1:" + closedPort(), "");
        Path cdrs = Files.writeString(WORK.resolve("cdrs.csv"), "\"\",\"100\",\"+4930123456\",\"default\"\n");
        // A good verifier key: what fails the audit commands is the cluster, nothing they check before it.
        Path auditKey = WORK.resolve("audit-" + System.nanoTime() + ".key");
        assertThat(io.cdrpipeline.cli.CdrPipelineCli.execute("keys", "--audit-signing-key", "--out", auditKey.toString())).isZero();
        String pub = auditKey + ".pub";
        String c = conf.toString();
        // Issue 23, finding 1: every command that talks to Kafka, not just some (erase took 61 s, access 31 s).
        String[][] commands = {
            {"run", "--config", c},
            {"produce", "--config", c, "--format", "asterisk-csv", "--source", "pbx", cdrs.toString()},
            {"topics", "--config", c},
            {"ingest", "--config", c},
            {"acls", "--config", c, "--principal", "ops=User:dpo", "--apply"},
            {"consume", "--config", c, "--topic", "cdr.billing", "--max-idle", "1s"},
            {"erase", "--config", c, "--subject", "+4930123456"},
            {"access", "--config", c, "--subject", "+4930123456"},
            {"hold", "--config", c, "--account", "a-1", "--id", "h1", "--reason", "billing_dispute"},
            {"release", "--config", c, "--account", "a-1", "--id", "h1"},
            {"retention", "check", "--config", c},
            {"retention", "report", "--config", c},
            {"kpi", "--config", c},
            {"audit", "verify", "--config", c, "--verifier-key", pub},
            {"audit", "prove", "--config", c, "--record-id", "pbx:1.1", "--verifier-key", pub},
            {"audit", "reconcile", "--config", c, "--jdbc-url", "jdbc:postgresql://127.0.0.1:1/billing", "--table", "billing"},
        };
        java.util.List<String> timings = new java.util.ArrayList<>();
        for (String[] command : commands) {
            String name = command[0].equals("retention") || command[0].equals("audit") ? command[0] + " " + command[1] : command[0];
            Outcome o = cli(command);
            timings.add(name + " " + o.millis() + " ms");
            assertThat(o.exit()).as("%s exit code; stderr: %s", name, o.err()).isNotZero();
            // The acceptance bound: startup.timeout + 5 s.
            assertThat(o.millis()).as("%s gives up within the 3 s start-up timeout + 5 s", name).isLessThan(8_000);
            assertThat(o.err()).as(name).contains("bootstrap.servers").contains("127.0.0.1:").contains("startup.timeout=3s")
                    .doesNotContain("not present in metadata");
        }
        System.out.println("closed port: " + timings);
    }

    @Test
    void shouldRefuseToRunWithoutItsTopicsNamingThemAndTheCommandThatCreatesThem() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Outcome o = cli("run", "--config", config(kafka.bootstrapServers(), "").toString());
            assertThat(o.exit()).isNotZero();
            assertThat(o.err()).contains("cdr.raw").contains("cdr.billing").contains("topics --apply");
        }
    }

    @Test
    void shouldTellTheWholeCauseChain() {
        Exception full = new IllegalStateException("Error opening store expiry-index",
                new java.io.UncheckedIOException("While open a file for appending: 000012.log",
                        new IOException("No space left on device")));
        assertThat(ErrorText.describe(full)).contains("Error opening store expiry-index")
                .contains("java.io.IOException: No space left on device");
        // A third-party message quoting its input (as a JSON parser does) never carries a number out.
        assertThat(ErrorText.describe(new IllegalStateException("bad", new RuntimeException("near \"+49 30 1234567\" and 4930123456"))))
                .doesNotContain("1234567").doesNotContain("4930123456").contains("######");
    }
}
