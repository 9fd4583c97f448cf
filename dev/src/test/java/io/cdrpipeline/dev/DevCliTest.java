package io.cdrpipeline.dev;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The development jar has every production command plus the real demo, broker and bench. */
class DevCliTest {

    @Test
    void theDevelopmentCommandsAreTheRealOnes() {
        for (String name : new String[] {"demo", "broker", "bench", "run", "consume"}) {
            assertThat(DevCli.execute(name, "--help")).as(name).isZero();
        }
        assertThat(DevCli.execute("bench", "--rounds", "0")).as("a bad value is refused by the real bench").isEqualTo(2);
    }
}
