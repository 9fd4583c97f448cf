package io.cdrpipeline.normalize;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.PhoneNumberUtil.ValidationResult;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber.CountryCodeSource;
import com.google.i18n.phonenumbers.ShortNumberInfo;
import io.cdrpipeline.ingest.DialPlan;
import io.cdrpipeline.schema.NumberType;

/**
 * Dialled digits read under a plan with libphonenumber: international and trunk prefixes, a
 * country code logged without a prefix only where the plan says so, and an E.164 number only when
 * it is possible for its country and reads back the same; null where a reading would be a guess.
 */
final class DialledNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final ShortNumberInfo SHORT = ShortNumberInfo.getInstance();

    private DialledNumbers() {
    }

    /** Whether the digits are a short code (emergency, service) of the region. */
    static boolean isShortCode(String digits, String region) {
        try {
            return SHORT.isValidShortNumberForRegion(UTIL.parse(digits, region), region);
        } catch (NumberParseException e) {
            return false;
        }
    }

    /** Digits dialled from the plan's region: international or trunk prefix, else national. */
    static ClearNumber read(String digits, String kept, DialPlan plan) {
        for (String idd : plan.internationalPrefixes()) {
            if (digits.length() > idd.length() && digits.startsWith(idd)) {
                return international(digits.substring(idd.length()), kept);
            }
        }
        if (plan.internationalWithoutPrefix()) {
            ClearNumber n = international(digits, kept);
            if (n != null) {
                return n;
            }
        }
        String region = plan.region();
        if (region.equals("ZZ")) {
            // No region: only an explicit international form is a number ('00' is ITU's recommended prefix).
            return digits.startsWith("00") && digits.length() > 2 ? international(digits.substring(2), kept) : null;
        }
        if (plan.trunkPrefix() != null) {
            // The operator's trunk prefix replaces the metadata's: with it the rest is national, without it nothing.
            return digits.startsWith(plan.trunkPrefix()) && digits.length() > plan.trunkPrefix().length()
                    ? national(digits.substring(plan.trunkPrefix().length()), region, kept) : null;
        }
        try {
            PhoneNumber pn = UTIL.parseAndKeepRawInput(digits, region);
            CountryCodeSource how = pn.getCountryCodeSource();
            if (how == CountryCodeSource.FROM_NUMBER_WITH_IDD) {
                return possible(pn, kept);
            }
            if (!startsWithTrunkPrefix(digits, region) && trunkPrefixRequired(region)) {
                // Digits with neither prefix are a local number (its area code unknown) or a country code
                // with no prefix: either reading would be a guess.
                return null;
            }
            if (how == CountryCodeSource.FROM_NUMBER_WITHOUT_PLUS_SIGN && !startsWithTrunkPrefix(digits, region)) {
                // libphonenumber stripped a leading country code that had no prefix: that is a guess too.
                return national(digits, region, kept);
            }
            return possible(pn, kept);
        } catch (NumberParseException e) {
            return null;
        }
    }

    /**
     * Whether a national number must be dialled with the trunk prefix to be one: true where the
     * region has a trunk prefix, except in the North American plan, where ten digits are the
     * usual national form and the leading 1 is optional.
     */
    private static boolean trunkPrefixRequired(String region) {
        String ndd = UTIL.getNddPrefixForRegion(region, true);
        return ndd != null && !ndd.isEmpty() && UTIL.getCountryCodeForRegion(region) != 1;
    }

    private static boolean startsWithTrunkPrefix(String digits, String region) {
        String ndd = UTIL.getNddPrefixForRegion(region, true);
        return ndd != null && !ndd.isEmpty() && digits.startsWith(ndd);
    }

    /** The digits as the national significant number of the region's country calling code. */
    private static ClearNumber national(String nsn, String region, String kept) {
        if (nsn.isEmpty() || nsn.length() > 17) {
            return null;
        }
        PhoneNumber pn = new PhoneNumber().setCountryCode(UTIL.getCountryCodeForRegion(region));
        if (nsn.charAt(0) == '0') {
            // Italian-style numbers keep their leading zero inside the national number.
            int zeros = 0;
            while (zeros < nsn.length() - 1 && nsn.charAt(zeros) == '0') {
                zeros++;
            }
            pn.setItalianLeadingZero(true).setNumberOfLeadingZeros(zeros);
        }
        pn.setNationalNumber(Long.parseLong(nsn));
        return possible(pn, kept);
    }

    static ClearNumber international(String digits, String kept) {
        if (digits.isEmpty() || digits.length() > 17 || digits.charAt(0) == '0') {
            return null;
        }
        try {
            return possible(UTIL.parse("+" + digits, "ZZ"), kept);
        } catch (NumberParseException e) {
            return null;
        }
    }

    private static ClearNumber possible(PhoneNumber pn, String kept) {
        if (UTIL.isPossibleNumberWithReason(pn) != ValidationResult.IS_POSSIBLE) {
            return null;
        }
        String e164 = UTIL.format(pn, PhoneNumberFormat.E164);
        try {
            // What is stored must read back as the same possible number (leading zeros of the national number).
            PhoneNumber back = UTIL.parse(e164, "ZZ");
            if (UTIL.isPossibleNumberWithReason(back) != ValidationResult.IS_POSSIBLE
                    || !UTIL.format(back, PhoneNumberFormat.E164).equals(e164)) {
                return null;
            }
            return new ClearNumber(NumberType.E164, e164, kept, UTIL.isValidNumber(back));
        } catch (NumberParseException e) {
            return null;
        }
    }
}
