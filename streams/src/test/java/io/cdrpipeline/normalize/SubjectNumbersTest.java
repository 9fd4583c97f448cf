package io.cdrpipeline.normalize;

import io.cdrpipeline.ingest.DialPlan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@code erase} makes of the subject an operator names: the same number or identity the pipeline read. */
class SubjectNumbersTest {

    @Test
    void shouldReadEverySpellingTheOperatorMayUseAsOneSubject() {
        DialPlan none = SubjectNumbers.internationalOnly();
        assertThat(SubjectNumbers.read("+447700900928", none).value()).isEqualTo("+447700900928");
        assertThat(SubjectNumbers.read("00447700900928", none).value()).isEqualTo("+447700900928");
        assertThat(SubjectNumbers.read("+44 7700 900928", none).value()).isEqualTo("+447700900928");
        assertThat(SubjectNumbers.read("07700900928", DialPlan.defaults("GB")).value()).isEqualTo("+447700900928");
        assertThat(SubjectNumbers.read("sip:Alice@Example.com", none))
                .isEqualTo(new ClearNumber(NumberType.SIP_IDENTITY, "Alice@example.com", "sip:Alice@Example.com", null));
    }

    @Test
    void shouldReadAnExtensionOrAnyOtherPartyOnlyAsOneSourceLogsIt() {
        DialPlan pbx = DialPlan.defaults("DE");
        assertThat(SubjectNumbers.readOnSource("201", pbx)).isEqualTo(new ClearNumber(NumberType.EXTENSION, "201", "201", null));
        assertThat(SubjectNumbers.readOnSource("internal/1902", pbx).type()).isEqualTo(NumberType.UNKNOWN);
        assertThat(SubjectNumbers.readOnSource("030123456", pbx).value()).isEqualTo("+4930123456");
        assertThatThrownBy(() -> SubjectNumbers.readOnSource("anonymous", pbx)).hasMessageContaining("no party");
        assertThatThrownBy(() -> SubjectNumbers.read("201", pbx)).as("without a source, only global identities")
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseANationalNumberWithoutAPlanAndNeverEchoIt() {
        assertThatThrownBy(() -> SubjectNumbers.read("07700900928", SubjectNumbers.internationalOnly()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--source or --region")
                .hasMessageNotContaining("7700900928");
        assertThatThrownBy(() -> SubjectNumbers.read("201", DialPlan.defaults("DE"))).hasMessageContaining("region DE");
    }

    @Test
    void shouldGiveASipIdentityPartyTheTokenEraseComputes() {
        Pseudonymizer p = new Pseudonymizer(new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH,
                "subject-numbers-test-key-0123456".getBytes(StandardCharsets.US_ASCII)))), new NumberFacts(10));
        ClearNumber alice = new NumberNormalizer(10).normalize("\"Alice\" <sip:alice@example.com>", DialPlan.defaults("FR"));
        BillingRecord b = BillingRecord.newBuilder().setRecordId("pbx:1").setSource("pbx").setCalling(alice.toParty())
                .setCalled(new ClearNumber(NumberType.EXTENSION, "201").toParty())
                .setStartTime(Instant.parse("2026-11-02T08:00:00Z")).setEndTime(Instant.parse("2026-11-02T08:01:00Z"))
                .setDurationSeconds(60).setBillableSeconds(0).setDisposition(Disposition.NO_ANSWER)
                .setLegRole(LegRole.ORIGINATING).build();
        assertThat(p.subjectTokens(b)).containsExactly(p.sipTokens("alice@example.com").get("e1"),
                p.localPartyTokens(NumberType.EXTENSION, "pbx", "201").get("e1"),
                p.tokensFor(Pseudonymizer.recordInput("pbx:1")).get("e1"));
    }

    @Test
    void shouldNeverGiveATokenThatEqualsAnAnalyticsPseudonym() {
        // Finding 5 of issue 9: the token kept on cdr.erasure-requests was the subject's analytics
        // pseudonym, so the two topics joined. Tokens and pseudonyms share inputs, not keys.
        Pseudonymizer p = new Pseudonymizer(new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH,
                "subject-numbers-test-key-0123456".getBytes(StandardCharsets.US_ASCII)))), new NumberFacts(10));
        BillingRecord b = BillingRecord.newBuilder().setRecordId("pbx:1").setSource("pbx").setAccount("acct-9")
                .setCalling(new ClearNumber(NumberType.E164, "+442921280552").toParty())
                .setCalled(new ClearNumber(NumberType.EXTENSION, "201").toParty())
                .setStartTime(Instant.parse("2026-11-02T08:00:00Z")).setEndTime(Instant.parse("2026-11-02T08:01:00Z"))
                .setDurationSeconds(60).setBillableSeconds(60).setDisposition(Disposition.ANSWERED)
                .setLegRole(LegRole.ORIGINATING).build();
        var analytics = p.pseudonymize(b);
        List<String> tokens = p.subjectTokens(b);
        assertThat(tokens).hasSize(4).doesNotContain(analytics.getCalling().getPseudonym(),
                analytics.getCalled().getPseudonym(), analytics.getPseudoRecordId());
        // Still the tokens erase computes, and the pseudonyms analytics shows (asked in the other order too).
        assertThat(tokens).containsExactly(p.numberTokens("+442921280552").get("e1"),
                p.localPartyTokens(NumberType.EXTENSION, "pbx", "201").get("e1"), p.accountTokens("acct-9").get("e1"),
                p.tokensFor(Pseudonymizer.recordInput("pbx:1")).get("e1"));
        Pseudonymizer fresh = new Pseudonymizer(new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH,
                "subject-numbers-test-key-0123456".getBytes(StandardCharsets.US_ASCII)))), new NumberFacts(10));
        assertThat(fresh.numberTokens("+442921280552").get("e1")).isEqualTo(tokens.get(0));
        assertThat(fresh.pseudonymize(b).getCalling().getPseudonym()).isEqualTo(analytics.getCalling().getPseudonym());
    }
}
