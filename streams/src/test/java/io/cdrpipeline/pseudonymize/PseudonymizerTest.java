package io.cdrpipeline.pseudonymize;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PseudonymizerTest {

    private static final Instant START = Instant.parse("2026-11-02T08:15:42Z");
    private static final byte[] KEY_A = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_B = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);

    private final NumberFacts facts = new NumberFacts(100);

    @Test
    void shouldGiveTheSameNumberTheSamePseudonymUnderOneEpoch() {
        Pseudonymizer p = pseudonymizer(new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH, KEY_A))));
        AnalyticsRecord a = p.pseudonymize(billing("pbx1:1", "+493012345678", "+4915123456789"));
        AnalyticsRecord b = p.pseudonymize(billing("pbx2:9", "+4915123456789", "+493012345678"));

        assertThat(a.getCalling().getPseudonym()).isEqualTo(b.getCalled().getPseudonym());
        assertThat(a.getCalled().getPseudonym()).isEqualTo(b.getCalling().getPseudonym());
        assertThat(a.getCalling().getPseudonym()).isNotEqualTo(a.getCalled().getPseudonym()).hasSize(22);
        assertThat(a.getPseudoRecordId()).isNotEqualTo(b.getPseudoRecordId());
        assertThat(a.getKeyEpoch()).isEqualTo("e1");
    }

    @Test
    void shouldMakeDifferentEpochsUnlinkable() {
        KeyRing ring = new KeyRing(List.of(new KeyEpoch("2026-10", Instant.parse("2026-10-01T00:00:00Z"), KEY_A),
                new KeyEpoch("2026-11", Instant.parse("2026-11-01T00:00:00Z"), KEY_B)));
        Pseudonymizer p = pseudonymizer(ring);
        AnalyticsRecord october = p.pseudonymize(billingAt(Instant.parse("2026-10-31T23:59:00Z")));
        AnalyticsRecord november = p.pseudonymize(billingAt(START));

        assertThat(october.getKeyEpoch()).isEqualTo("2026-10");
        assertThat(november.getKeyEpoch()).isEqualTo("2026-11");
        assertThat(october.getCalling().getPseudonym()).isNotEqualTo(november.getCalling().getPseudonym());
    }

    @Test
    void shouldKeepCountryCodeAndDestinationCodeOnlyWhereSixDigitsRemain() {
        Pseudonymizer p = pseudonymizer(new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH, KEY_A))));
        AnalyticsRecord a = p.pseudonymize(billing("pbx1:1", "+493012345678", "+4930901820"));

        assertThat(a.getCalling().getCountryCode()).isEqualTo(49);
        assertThat(a.getCalling().getDestinationCode()).as("30 + 8 subscriber digits").isEqualTo("30");
        assertThat(a.getCalling().getRegion()).isEqualTo("DE");
        assertThat(a.getCalled().getCountryCode()).isEqualTo(49);
        assertThat(a.getCalled().getDestinationCode()).as("30 + 901820: exactly six remain").isEqualTo("30");
        assertThat(facts.of("+4930123").destinationCode()).as("too few digits would remain").isNull();
    }

    @Test
    void shouldScopeExtensionsBySourceAndLeaveWithheldEmpty() {
        Pseudonymizer p = pseudonymizer(new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH, KEY_A))));
        AnalyticsRecord pbx1 = p.pseudonymize(withParties("pbx1", new PartyNumber("201", NumberType.EXTENSION, "201", null),
                new PartyNumber(null, NumberType.WITHHELD, null, null)));
        AnalyticsRecord pbx2 = p.pseudonymize(withParties("pbx2", new PartyNumber("201", NumberType.EXTENSION, "201", null),
                new PartyNumber(null, NumberType.WITHHELD, null, null)));

        assertThat(pbx1.getCalling().getPseudonym()).isNotEqualTo(pbx2.getCalling().getPseudonym());
        assertThat(pbx1.getCalling().getCountryCode()).isNull();
        assertThat(pbx1.getCalled().getPseudonym()).isNull();
        assertThat(pbx1.getCalled().getType()).isEqualTo(NumberType.WITHHELD);
    }

    @Test
    void shouldLeaveNoClearNumberNorItsNationalDigitsInTheEncodedRecord() {
        Pseudonymizer p = pseudonymizer(new KeyRing(List.of(new KeyEpoch("e1", Instant.EPOCH, KEY_A))));
        BillingRecord b = billing("pbx1:1711850350.26", "+493012345678", "+33612345678");
        byte[] bytes = new AvroSerde<>(AnalyticsRecord.class, AnalyticsRecord.getClassSchema()).encode(p.pseudonymize(b));
        String text = new String(bytes, StandardCharsets.ISO_8859_1);

        for (String secret : List.of("+493012345678", "493012345678", "3012345678", "12345678", "612345678",
                "pbx1:1711850350.26", "1711850350")) {
            assertThat(text).doesNotContain(secret);
        }
        assertThat(p.pseudonymize(b).getStartMinute()).isEqualTo(Instant.parse("2026-11-02T08:15:00Z"));
    }

    private Pseudonymizer pseudonymizer(KeyRing ring) {
        return new Pseudonymizer(ring, facts);
    }

    private static BillingRecord billingAt(Instant start) {
        BillingRecord b = billing("pbx1:1", "+493012345678", "+4915123456789");
        b.setStartTime(start);
        b.setEndTime(start.plusSeconds(60));
        return b;
    }

    private static BillingRecord billing(String id, String calling, String called) {
        return withParties("pbx1", new PartyNumber(calling, NumberType.E164, calling, null), new PartyNumber(called, NumberType.E164, called, null),
                id);
    }

    private static BillingRecord withParties(String source, PartyNumber calling, PartyNumber called) {
        return withParties(source, calling, called, source + ":1");
    }

    private static BillingRecord withParties(String source, PartyNumber calling, PartyNumber called, String id) {
        return BillingRecord.newBuilder().setRecordId(id).setSource(source).setAccount("acct-7")
                .setCalling(calling).setCalled(called).setStartTime(START).setEndTime(START.plusSeconds(60))
                .setDurationSeconds(60).setBillableSeconds(55).setDisposition(Disposition.ANSWERED)
                .setLegRole(LegRole.ORIGINATING).build();
    }
}
