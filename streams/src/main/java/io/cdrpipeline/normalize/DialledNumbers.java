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
import java.util.regex.Pattern;

/**
 * Dialled digits read under a plan with libphonenumber: international and trunk prefixes, a
 * country code logged without a prefix only where the plan says so, and an E.164 number only when
 * it is possible for its country, reads back the same, and holds exactly the digits logged after
 * the prefix the plan recognised; null where a reading would be a guess or would alter a digit.
 */
final class DialledNumbers {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final ShortNumberInfo SHORT = ShortNumberInfo.getInstance();
    private static final Pattern NANP = Pattern.compile("[2-9]\\d{2}[2-9]\\d{6}");

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

    /**
     * The digits read as dialled through the plan's international prefix (the configured ones, else
     * libphonenumber's for the region), or null when they do not start with one or what follows is
     * no number as logged. Asked before access codes: {@code 0049…} under a plan with access code
     * {@code 0} is an international call, not {@code 0} + the national {@code 049…} (issue 22).
     */
    static ClearNumber readInternational(String digits, String kept, DialPlan plan) {
        for (String idd : plan.internationalPrefixes()) {
            if (digits.length() > idd.length() && digits.startsWith(idd)) {
                return international(digits.substring(idd.length()), kept);
            }
        }
        String region = plan.region();
        if (!plan.internationalPrefixes().isEmpty() || region.equals("ZZ")) {
            return null;
        }
        try {
            PhoneNumber pn = UTIL.parseAndKeepRawInput(digits, region);
            return pn.getCountryCodeSource() == CountryCodeSource.FROM_NUMBER_WITH_IDD ? afterPrefix(possible(pn, kept), digits)
                    : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** Digits dialled from the plan's region: international or trunk prefix, else national. */
    static ClearNumber read(String digits, String kept, DialPlan plan) {
        return read(digits, kept, plan, false);
    }

    /**
     * Digits dialled from the plan's region; {@code afterAccessCode}: what followed an access code, which
     * a person dialled as usual (with an international or trunk prefix) — the switch's habit of logging
     * international numbers without a prefix is its trunks' way with caller ids, not a way of dialling.
     */
    static ClearNumber read(String digits, String kept, DialPlan plan, boolean afterAccessCode) {
        for (String idd : plan.internationalPrefixes()) {
            if (digits.length() > idd.length() && digits.startsWith(idd)) {
                return international(digits.substring(idd.length()), kept);
            }
        }
        if (plan.internationalWithoutPrefix() && !afterAccessCode) {
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
                return afterPrefix(possible(pn, kept), digits);
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
            String ndd = UTIL.getNddPrefixForRegion(region, true);
            String cc = Integer.toString(UTIL.getCountryCodeForRegion(region));
            String afterTrunk = ndd != null && !ndd.isEmpty() && digits.startsWith(ndd) ? digits.substring(ndd.length()) : null;
            return asLogged(possible(pn, kept), cc + digits, afterTrunk == null ? null : cc + afterTrunk);
        } catch (NumberParseException e) {
            return null;
        }
    }

    /**
     * The number only if its digits are exactly one of the expected readings — the logged digits after
     * the prefix the plan recognised, behind the country code: never a digit dropped, added or
     * reordered (libphonenumber drops a national prefix after some country codes: {@code +81 0972…}
     * would become {@code +81972…}, a number nobody dialled).
     */
    private static ClearNumber asLogged(ClearNumber n, String expected, String orExpected) {
        if (n == null) {
            return null;
        }
        String digits = n.value().substring(1);
        return digits.equals(expected) || digits.equals(orExpected) ? n : null;
    }

    /** A number read after an international prefix libphonenumber stripped: its digits must end what was logged. */
    private static ClearNumber afterPrefix(ClearNumber n, String logged) {
        if (n == null) {
            return null;
        }
        String digits = n.value().substring(1);
        return logged.length() > digits.length() && logged.endsWith(digits) ? n : null;
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
        return asLogged(possible(pn, kept), pn.getCountryCode() + nsn, null);
    }

    static ClearNumber international(String digits, String kept) {
        if (digits.isEmpty() || digits.length() > 17 || digits.charAt(0) == '0') {
            return null;
        }
        try {
            return asLogged(possible(UTIL.parse("+" + digits, "ZZ"), kept), digits, null);
        } catch (NumberParseException e) {
            return null;
        }
    }

    private static ClearNumber possible(PhoneNumber pn, String kept) {
        if (UTIL.isPossibleNumberWithReason(pn) != ValidationResult.IS_POSSIBLE) {
            return null;
        }
        if (pn.getCountryCode() == 1 && !NANP.matcher(Long.toString(pn.getNationalNumber())).matches()) {
            // The North American plan's structure, which libphonenumber's possible lengths do not check:
            // area code and exchange each start with 2-9 (1234567890 is no one's number).
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
