package io.cdrpipeline.produce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Issue 23, finding 6: a password can hold any character (escaped in the file), and a weak one is refused. */
class IngestCredentialsTest {

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldTakeAPasswordWithColonsAndBackslashesWrittenEscaped() {
        IngestCredentials c = IngestCredentials.parse("fs-lon:pa\\:ss\\\\wo\\:rd-2026:fs-lon\n", "creds");
        assertThat(c.authenticate(basic("fs-lon", "pa:ss\\wo:rd-2026"))).isPresent()
                .get().extracting(IngestCredentials.Binding::source).isEqualTo("fs-lon");
        assertThat(c.authenticate(basic("fs-lon", "pa"))).isEmpty();
        assertThatThrownBy(() -> IngestCredentials.parse("fs-lon:pa\\ss-word-2026:fs-lon\n", "creds"))
                .hasMessageContaining("creds line 1").hasMessageContaining("backslash");
        assertThatThrownBy(() -> IngestCredentials.parse("fs-lon:pa:ss-word-2026:fs-lon\n", "creds"))
                .as("an unescaped colon in the password").hasMessageContaining("unknown format");
    }

    @Test
    void shouldRefuseAWeakPasswordNamingTheRuleNotThePassword() {
        for (String weak : new String[] {"x", "short-pw", "aaaaaaaaaaaaaaaa", "abababababababab"}) {
            assertThatThrownBy(() -> IngestCredentials.parse("fs-lon:" + weak + ":fs-lon\n", "creds"))
                    .hasMessageContaining("too weak").hasMessageNotContaining(weak);
            assertThatThrownBy(() -> IngestCredentials.single("fs-lon:" + weak, "fs-lon", io.cdrpipeline.ingest.CdrFormat.FREESWITCH_JSON))
                    .hasMessageContaining("too weak");
        }
    }
}
