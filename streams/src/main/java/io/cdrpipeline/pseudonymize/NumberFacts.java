package io.cdrpipeline.pseudonymize;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * What analytics may keep of an E.164 number: its country calling code, its region, and its
 * national destination code — the latter only where the subscriber digits that remain still span
 * at least 10^6 values (six digits), so that the kept prefix never narrows a number down to a
 * small, guessable set. Looked up with libphonenumber and cached.
 */
public final class NumberFacts {

    /** Subscriber digits that must remain after the kept destination code. */
    public static final int MIN_HIDDEN_DIGITS = 6;

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Prefix NONE = new Prefix(null, null, null);

    private final Cache<String, Prefix> cache;
    private final long cacheSize;

    public NumberFacts(long cacheSize) {
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
        this.cacheSize = cacheSize;
    }

    /** A new cache of the same size holding the same entries (for benchmarks: equally warm starts). */
    public NumberFacts copy() {
        NumberFacts c = new NumberFacts(cacheSize);
        c.cache.putAll(cache.asMap());
        return c;
    }

    public Prefix of(String e164) {
        return cache.get(e164, NumberFacts::compute);
    }

    private static Prefix compute(String e164) {
        try {
            PhoneNumber pn = UTIL.parse(e164, "ZZ");
            String nsn = UTIL.getNationalSignificantNumber(pn);
            int ndcLength = UTIL.getLengthOfNationalDestinationCode(pn);
            String ndc = ndcLength > 0 && nsn.length() - ndcLength >= MIN_HIDDEN_DIGITS ? nsn.substring(0, ndcLength) : null;
            return new Prefix(pn.getCountryCode(), ndc, UTIL.getRegionCodeForNumber(pn));
        } catch (NumberParseException e) {
            return NONE;
        }
    }

    /** The kept part of a number; every member may be null. */
    public record Prefix(Integer countryCode, String destinationCode, String region) {
    }
}
