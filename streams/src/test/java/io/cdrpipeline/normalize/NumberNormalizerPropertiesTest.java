package io.cdrpipeline.normalize;

import io.cdrpipeline.ingest.DialPlan;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberType;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.cdrpipeline.pseudonymize.KeyEpoch;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Properties of reading parties under any dialling plan: it never throws, the raw field is the
 * input, an E.164 result is a possible number of its country, and every spelling of one number
 * (international with +, with the region's international prefix, national with the trunk prefix,
 * with or without separators) gives one E.164 number, hence one pseudonym and one erasure token.
 */
class NumberNormalizerPropertiesTest {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final List<String> REGIONS = List.of("DE", "GB", "FR", "LU", "US", "CH", "NL", "BE", "AT", "ES", "IT", "SE");
    private static final KeyRing KEYS = new KeyRing(List.of(new KeyEpoch("p1", Instant.EPOCH,
            "properties-key-0123456789abcdef!".getBytes(StandardCharsets.US_ASCII))));

    private final NumberNormalizer numbers = new NumberNormalizer(10_000);

    @Property(tries = 3000)
    void anyPartyStringUnderAnyPlanIsReadWithoutThrowingAndKeptAsLogged(@ForAll("parties") String party,
            @ForAll("plans") DialPlan plan) {
        ClearNumber n = numbers.normalize(party, plan);
        if (party.isBlank()) {
            assertThat(n).isNull();
            return;
        }
        Statistics.collect(n.type());
        boolean displayName = party.contains("<") || party.strip().startsWith("\"")
                || (n.raw() == null && n.value() == null);
        if (!displayName) {
            assertThat(n.raw()).as("raw field of %s", n.type()).isEqualTo(party);
        }
        if (n.type() == NumberType.E164) {
            assertThat(n.value()).startsWith("+");
            PhoneNumber pn = parse(n.value());
            assertThat(UTIL.isPossibleNumber(pn)).as("possible: %s", n.value()).isTrue();
            assertThat(n.knownRange()).isEqualTo(UTIL.isValidNumber(pn));
        } else {
            assertThat(n.knownRange()).isNull();
        }
    }

    /**
     * Issue 22: an E.164 value is the logged digits after the prefix the plan recognised, behind the
     * country code — a prefix dropped, the region's country code put in front, nothing else: never a
     * digit dropped, added or reordered.
     */
    @Property(tries = 5000)
    void anE164ValueHoldsTheLoggedDigitsAfterAPrefix(@ForAll("parties") String party, @ForAll("plans") DialPlan plan) {
        ClearNumber n = numbers.normalize(party, plan);
        if (n == null || n.type() != NumberType.E164) {
            return;
        }
        String logged = (n.raw() == null ? party : n.raw()).replaceAll("[^0-9]", "");
        String e164 = n.value().substring(1);
        String cc = Integer.toString(UTIL.getCountryCodeForRegion(plan.region()));
        boolean asLogged = false;
        for (int k = 0; k <= logged.length() && !asLogged; k++) {
            String rest = logged.substring(k);
            asLogged = e164.equals(rest) || e164.equals(cc + rest);
        }
        Statistics.collect(asLogged);
        assertThat(asLogged).as("%s read as %s under %s", party, n.value(), plan).isTrue();
    }

    @Property(tries = 2000)
    void everySpellingOfOneNumberGivesOnePseudonymAndOneToken(@ForAll("numbers") PhoneNumber number) {
        String region = UTIL.getRegionCodeForNumber(number);
        DialPlan plan = DialPlan.defaults(region);
        String e164 = UTIL.format(number, PhoneNumberFormat.E164);
        String idd = UTIL.getCountryCodeForRegion(region) == 1 ? "011" : "00";
        List<String> spellings = List.of(e164, UTIL.format(number, PhoneNumberFormat.INTERNATIONAL),
                idd + e164.substring(1), UTIL.format(number, PhoneNumberFormat.NATIONAL),
                UTIL.format(number, PhoneNumberFormat.NATIONAL).replaceAll("[^0-9]", ""),
                "sip:" + e164 + "@gw.example.net;user=phone", "tel:" + e164);
        Pseudonymizer pseudonymizer = new Pseudonymizer(KEYS, new NumberFacts(100));
        Set<String> values = new HashSet<>();
        Set<String> pseudonyms = new HashSet<>();
        Set<String> tokens = new HashSet<>();
        for (String s : spellings) {
            ClearNumber n = numbers.normalize(s, plan);
            assertThat(n.type()).as("%s in %s", s.length(), region).isEqualTo(NumberType.E164);
            values.add(n.value());
            BillingRecord b = billing(n);
            pseudonyms.add(pseudonymizer.pseudonymize(b).getCalled().getPseudonym());
            tokens.addAll(pseudonymizer.subjectTokens(b));
            // The record is a subject of its own (erase --record): its token is not the number's.
            tokens.removeAll(pseudonymizer.tokensFor(Pseudonymizer.recordInput(b.getRecordId())).values());
        }
        assertThat(values).containsExactly(e164);
        assertThat(pseudonyms).hasSize(1);
        assertThat(tokens).hasSize(1).containsExactlyElementsOf(pseudonymizer.numberTokens(e164).values());
    }

    @Provide
    Arbitrary<PhoneNumber> numbers() {
        Arbitrary<String> region = Arbitraries.of(REGIONS);
        Arbitrary<PhoneNumberType> type = Arbitraries.of(PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE);
        Arbitrary<Long> noise = Arbitraries.longs().between(0, 9999);
        return Combinators.combine(region, type, noise).as((r, t, n) -> {
            PhoneNumber example = UTIL.getExampleNumberForType(r, t);
            if (example == null) {
                example = UTIL.getExampleNumber(r);
            }
            // Other subscribers of the same range: the last digits vary, the length and the prefix stay.
            long nn = example.getNationalNumber();
            long varied = nn - nn % 10_000 + n;
            PhoneNumber p = new PhoneNumber().setCountryCode(example.getCountryCode()).setNationalNumber(varied);
            if (example.hasItalianLeadingZero()) {
                p.setItalianLeadingZero(true).setNumberOfLeadingZeros(example.getNumberOfLeadingZeros());
            }
            return p;
        }).filter(p -> UTIL.isPossibleNumber(p) && r(p) != null && !r(p).equals("ZZ") && REGIONS.contains(r(p)));
    }

    private static String r(PhoneNumber p) {
        return UTIL.getRegionCodeForNumber(p);
    }

    @Provide
    Arbitrary<String> parties() {
        Arbitrary<String> digits = Arbitraries.strings().withCharRange('0', '9').ofMinLength(1).ofMaxLength(18);
        Arbitrary<String> dialled = Combinators.combine(Arbitraries.of("", "+", "00", "011", "0", "9", "90"), digits,
                Arbitraries.of("", " ", "-", ".", "/")).as((p, d, sep) -> p + (d.length() > 4
                        ? d.substring(0, 3) + sep + d.substring(3) : d));
        Arbitrary<String> uris = Combinators.combine(Arbitraries.of("sip:", "sips:", "tel:", ""),
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(12),
                Arbitraries.of("@pbx.example", "@192.0.2.1;transport=udp", "", ";user=phone"))
                .as((s, u, h) -> s + u + h);
        Arbitrary<String> names = Arbitraries.of("s", "h", "voicemail", "client1", "Jane Roe", "\"Jane Roe\" <201>",
                "anonymous", "Restricted", "internal/1902", "442921280552.6", "*97#", "#31#", "  201  ", "");
        Arbitrary<String> anything = Arbitraries.strings().ofMaxLength(40);
        return Arbitraries.oneOf(dialled, dialled, uris, names, anything);
    }

    @Provide
    Arbitrary<DialPlan> plans() {
        return Combinators.combine(Arbitraries.of(REGIONS), Arbitraries.<List<String>>of(List.of(), List.of("9"), List.of("0")),
                Arbitraries.of("1-6", "3-4", "3-4,8", "1"), Arbitraries.of(true, false), Arbitraries.of(true, false))
                .as((region, access, ext, names, intl) -> DialPlan.builder(region).accessCodes(access)
                        .extensionDigits(ext).sipUserNames(names).internationalWithoutPrefix(intl).build());
    }

    private static BillingRecord billing(ClearNumber called) {
        return BillingRecord.newBuilder().setRecordId("p:1").setSource("p")
                .setCalling(new PartyNumber(null, NumberType.WITHHELD, null, null)).setCalled(called.toParty())
                .setStartTime(Instant.parse("2026-11-02T08:00:00Z")).setEndTime(Instant.parse("2026-11-02T08:01:00Z"))
                .setDurationSeconds(60).setBillableSeconds(50).setDisposition(Disposition.ANSWERED)
                .setLegRole(LegRole.ORIGINATING).build();
    }

    private static PhoneNumber parse(String e164) {
        try {
            return UTIL.parse(e164, "ZZ");
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            throw new AssertionError(e);
        }
    }
}
