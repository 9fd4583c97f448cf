package io.cdrpipeline.pseudonymize;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.normalize.ClearNumber;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * Pseudonyms and subject tokens against answers computed here with the JDK alone (issue 14): the
 * pseudonym is HMAC-SHA256(epoch key, input) cut to 128 bits; the token is the same under the
 * token key HMAC-SHA256(epoch key, "cdr-pipeline subject tokens v1" || 0x01). A replaced key takes
 * effect at once (no cached pseudonym survives it), and wrapping or sealing twice never repeats.
 */
class KnownAnswersTest {

    private static final byte[] K1 = "known-answers-test-key-one-012345".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] K2 = "known-answers-test-key-two-012345".getBytes(StandardCharsets.US_ASCII);

    @Test
    void pseudonymsAndTokensAreTheDocumentedHmacs() {
        KeyRing ring = new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH, K1)));
        Pseudonymizer p = new Pseudonymizer(ring, new NumberFacts(10));
        BillingRecord b = record("+4930123456", "alice@example.com");
        var a = p.pseudonymize(b);
        assertThat(a.getPseudoRecordId()).isEqualTo(hmac(K1, "record:pbx:1"));
        assertThat(a.getCalling().getPseudonym()).isEqualTo(hmac(K1, "e164:+4930123456"));
        assertThat(a.getCalled().getPseudonym()).isEqualTo(hmac(K1, "sip:alice@example.com"));
        assertThat(p.derive(b).pseudoRecordId()).isEqualTo(a.getPseudoRecordId());

        byte[] tokenKey = hmacRaw(K1, concat("cdr-pipeline subject tokens v1".getBytes(StandardCharsets.UTF_8), new byte[] {1}));
        assertThat(p.subjectTokens(b)).containsExactly(hmac(tokenKey, "e164:+4930123456"),
                hmac(tokenKey, "sip:alice@example.com"), hmac(tokenKey, "account:acct-1"), hmac(tokenKey, "cdr:pbx:1"));
        assertThat(p.numberTokens("+4930123456")).containsEntry("e1", hmac(tokenKey, "e164:+4930123456"));
        assertThat(p.sipTokens("alice@example.com")).containsEntry("e1", hmac(tokenKey, "sip:alice@example.com"));
        assertThat(p.sipTokens("bob@example.com")).isNotEqualTo(p.sipTokens("alice@example.com"));
        assertThat(p.tokensFor("account:acct-1")).containsEntry("e1", hmac(tokenKey, "account:acct-1"));
    }

    @Test
    void aReplacedKeyTakesEffectAtOnce() {
        KeyRing ring = new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH, K1)));
        Pseudonymizer p = new Pseudonymizer(ring, new NumberFacts(10));
        BillingRecord b = record("+4930123456", "alice@example.com");
        assertThat(p.pseudonymize(b).getCalling().getPseudonym()).isEqualTo(hmac(K1, "e164:+4930123456"));
        int before = ring.generation();
        ring.add(new KeyEpoch("e1", Instant.EPOCH, K2));
        assertThat(ring.generation()).isNotEqualTo(before);
        assertThat(p.pseudonymize(b).getCalling().getPseudonym()).as("nothing cached under the old key")
                .isEqualTo(hmac(K2, "e164:+4930123456"));
        assertThat(p.derive(b).pseudoRecordId()).isEqualTo(hmac(K2, "record:pbx:1"));
        assertThat(p.numberTokens("+4930123456")).doesNotContainValue(
                hmac(hmacRaw(K1, concat("cdr-pipeline subject tokens v1".getBytes(StandardCharsets.UTF_8), new byte[] {1})),
                        "e164:+4930123456"));
    }

    @Test
    void wrappingAndSealingNeverRepeatThemselves() {
        KeyVault vault = new KeyVault(Arrays.copyOf(K1, 32));
        KeyEpoch e = new KeyEpoch("2026-11", Instant.parse("2026-11-01T00:00:00Z"), K2);
        String once = vault.wrap(e);
        String twice = vault.wrap(e);
        assertThat(once).isNotEqualTo(twice);
        assertThat(vault.unwrap("2026-11", once)).isEqualTo(e).isEqualTo(vault.unwrap("2026-11", twice));
        assertThat(vault.seal("e164:+4930123456", "ctx")).isNotEqualTo(vault.seal("e164:+4930123456", "ctx"));
        // Epochs differ by key too.
        assertThat(new KeyEpoch("e1", Instant.EPOCH, K1)).isNotEqualTo(new KeyEpoch("e1", Instant.EPOCH, K2))
                .isEqualTo(new KeyEpoch("e1", Instant.EPOCH, K1))
                .hasSameHashCodeAs(new KeyEpoch("e1", Instant.EPOCH, K1));
    }

    private static BillingRecord record(String calling, String sip) {
        return BillingRecord.newBuilder().setRecordId("pbx:1").setSource("pbx").setAccount("acct-1")
                .setCalling(new ClearNumber(NumberType.E164, calling).toParty())
                .setCalled(new ClearNumber(NumberType.SIP_IDENTITY, sip).toParty())
                .setStartTime(Instant.parse("2026-11-02T08:00:00Z")).setEndTime(Instant.parse("2026-11-02T08:01:00Z"))
                .setDurationSeconds(60).setBillableSeconds(55).setDisposition(Disposition.ANSWERED)
                .setLegRole(LegRole.ORIGINATING).build();
    }

    private static String hmac(byte[] key, String input) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(
                Arrays.copyOf(hmacRaw(key, input.getBytes(StandardCharsets.UTF_8)), 16));
    }

    private static byte[] hmacRaw(byte[] key, byte[] input) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(input);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
