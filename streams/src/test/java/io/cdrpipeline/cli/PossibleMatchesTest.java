package io.cdrpipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.schema.SubjectKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Finding 10 of issue 21: on a US source a subject's Israeli number was logged 33 times in spellings
 * no rule reads ({@code 00972…}, {@code 7011972…}); access must show those records apart.
 */
class PossibleMatchesTest {

    private static final SubjectOptions.Resolved SUBJECT = new SubjectOptions.Resolved(SubjectKind.NUMBER,
            Pseudonymizer.numberInput("+972547383072"));

    @Test
    void shouldFindTheSubjectsNumberInsideUnrecognisedPartiesOnly() {
        PossibleMatches m = PossibleMatches.of(SUBJECT);
        assertThat(m.matches(record(unknown("00972547383072")))).isTrue();
        assertThat(m.matches(record(unknown("7011972547383072")))).isTrue();
        assertThat(m.matches(record(unknown("+972-54-738-3072")))).as("separators in what was logged").isTrue();
        assertThat(m.matches(record(unknown("00972547383073")))).as("another number").isFalse();
        assertThat(m.matches(record(new PartyNumber("+972547383072", NumberType.E164, "011972547383072", true))))
                .as("a recognised party is an exact match, not a possible one").isFalse();
    }

    @Test
    void shouldLookForNumbersOfSevenDigitsOrMoreOnly() {
        PossibleMatches shortNumber = PossibleMatches.of(new SubjectOptions.Resolved(SubjectKind.NUMBER,
                Pseudonymizer.numberInput("+2901234")));   // Saint Helena: a four-digit national number
        assertThat(shortNumber.matches(record(unknown("00290123456789")))).isFalse();
        PossibleMatches account = PossibleMatches.of(new SubjectOptions.Resolved(SubjectKind.ACCOUNT,
                Pseudonymizer.accountInput("972547383072")));
        assertThat(account.matches(record(unknown("00972547383072")))).isFalse();
    }

    private static PartyNumber unknown(String logged) {
        return new PartyNumber(logged, NumberType.UNKNOWN, logged, null);
    }

    private static BillingRecord record(PartyNumber called) {
        return BillingRecord.newBuilder().setRecordId("us-pbx:1").setSource("us-pbx")
                .setCalling(new PartyNumber("2125550123", NumberType.E164, "2125550123", true)).setCalled(called)
                .setStartTime(Instant.parse("2026-11-02T08:00:00Z")).setEndTime(Instant.parse("2026-11-02T08:01:00Z"))
                .setDurationSeconds(60).setBillableSeconds(60).setDisposition(Disposition.ANSWERED)
                .setLegRole(LegRole.ORIGINATING).build();
    }
}
