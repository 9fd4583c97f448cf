package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.AuditKey;
import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuditKeyTest {

    private static final byte[] K1 = "audit-key-test-epoch-one-32bytes".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] K2 = "audit-key-test-epoch-two-32bytes".getBytes(StandardCharsets.US_ASCII);

    @Test
    void shouldHashRecordKeysSoThatOnlyTheKeyHolderCanLinkThem() throws Exception {
        AuditKey a = AuditKey.of(new KeyRing(List.of(new KeyEpoch("2026-11", Instant.EPOCH, K1))));
        String h = a.hash("cdr.billing", "pbx:1714719600.41~0123456789ab");
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        d.update("cdr.billing".getBytes(StandardCharsets.UTF_8));
        d.update((byte) 0);
        String bare = HexFormat.of().formatHex(d.digest("pbx:1714719600.41~0123456789ab".getBytes(StandardCharsets.UTF_8)), 0, 16);
        assertThat(h).hasSize(32).isNotEqualTo(bare);
        assertThat(AuditKey.of(new KeyRing(List.of(new KeyEpoch("2026-11", Instant.EPOCH, K2)))).hash("cdr.billing",
                "pbx:1714719600.41~0123456789ab")).isNotEqualTo(h);
        assertThat(a.copy().hash("cdr.billing", "pbx:1714719600.41~0123456789ab")).isEqualTo(h);
        // The documented construction, computed here: HMAC-SHA256(audit key, topic || 0x00 || record key), 128 bits.
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(a.bytes(), "HmacSHA256"));
        mac.update("cdr.billing".getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        assertThat(h).isEqualTo(HexFormat.of().formatHex(
                mac.doFinal("pbx:1714719600.41~0123456789ab".getBytes(StandardCharsets.UTF_8)), 0, 16));
        // The topic and the separator are part of it.
        assertThat(a.hash("cdr.analytics", "pbx:1714719600.41~0123456789ab")).isNotEqualTo(h);
        assertThat(a.hash("ab", "c")).isNotEqualTo(a.hash("a", "bc"));
    }

    @Test
    void shouldDeriveTheSameKeyFromTheSameRingOrMasterKey() {
        KeyRing ring = new KeyRing(List.of(new KeyEpoch("2026-12", Instant.EPOCH, K2), new KeyEpoch("2026-11", Instant.EPOCH, K1)));
        assertThat(AuditKey.of(ring).bytes()).as("the first epoch by id, whatever the order")
                .isEqualTo(AuditKey.of(new KeyRing(List.of(new KeyEpoch("2026-11", Instant.EPOCH, K1)))).bytes());
        byte[] master = new byte[32];
        assertThat(new KeyVault(master).auditKey().bytes()).isEqualTo(new KeyVault(master).auditKey().bytes())
                .isNotEqualTo(master);
    }
}
