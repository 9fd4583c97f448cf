package io.cdrpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The production jar has no demo, broker or bench; asked for them, it says where they are and exits 2. */
class DevelopmentOnlyTest {

    @Test
    void theProductionJarPointsToTheDevelopmentJar() {
        PrintStream err = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(buffer, true, StandardCharsets.UTF_8));
            for (String name : DevelopmentOnly.NAMES) {
                assertThat(CdrPipelineCli.execute(name, "--records", "10")).as(name).isEqualTo(2);
            }
        } finally {
            System.setErr(err);
        }
        assertThat(buffer.toString(StandardCharsets.UTF_8)).contains("'demo' is in the development jar",
                "'broker' is in the development jar", "'bench' is in the development jar", DevelopmentOnly.DEV_JAR);
        assertThat(CdrPipelineCli.commandLine().getUsageMessage()).doesNotContain("demo", "bench");
    }
}
