package io.cdrpipeline.normalize;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.cdrpipeline.schema.NumberType;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a switch's party string into a {@link ClearNumber} with libphonenumber, in the source's
 * default region. Rules, in order: blank or a privacy marker ({@code anonymous}, {@code restricted}…)
 * is withheld; a SIP/tel URI is reduced to its user part; a short digit string (at most the
 * source's extension length) or a feature code is an internal extension — a billable call, not an
 * error; a number valid in the region, or valid once a '+' is added (switches that drop it), is
 * E.164; anything else is kept, cleaned, as unknown. Parsing costs ~9 µs, and real traffic repeats
 * numbers heavily, so results are kept in a bounded, shared cache.
 */
public final class NumberNormalizer {

    private static final PhoneNumberUtil UTIL = PhoneNumberUtil.getInstance();
    private static final Set<String> WITHHELD_MARKERS = Set.of("anonymous", "restricted", "private", "unavailable",
            "unknown", "withheld", "anonymous@anonymous.invalid", "blocked");
    private static final Pattern SEPARATORS = Pattern.compile("[\\s().\\-/]");
    private static final Pattern DIGITS = Pattern.compile("\\+?\\d+");
    private static final Pattern FEATURE_CODE = Pattern.compile("[*#][*#\\d]{0,9}");
    private static final int MAX_KEPT_LENGTH = 64;

    private final Cache<String, ClearNumber> cache;
    private final long cacheSize;

    public NumberNormalizer(long cacheSize) {
        this.cache = Caffeine.newBuilder().maximumSize(cacheSize).build();
        this.cacheSize = cacheSize;
    }

    /** A new cache of the same size holding the same entries (for benchmarks: equally warm starts). */
    public NumberNormalizer copy() {
        NumberNormalizer c = new NumberNormalizer(cacheSize);
        c.cache.putAll(cache.asMap());
        return c;
    }

    public ClearNumber normalize(String raw, String region, int extensionMaxDigits) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String key = region + '|' + extensionMaxDigits + '|' + raw;
        return cache.get(key, k -> compute(raw, region, extensionMaxDigits));
    }

    private static ClearNumber compute(String raw, String region, int extensionMaxDigits) {
        String s = userPart(raw.strip());
        if (s.isEmpty() || WITHHELD_MARKERS.contains(s.toLowerCase(Locale.ROOT))) {
            return ClearNumber.WITHHELD;
        }
        String compact = SEPARATORS.matcher(s).replaceAll("");
        if (FEATURE_CODE.matcher(compact).matches()) {
            return new ClearNumber(NumberType.EXTENSION, compact);
        }
        if (DIGITS.matcher(compact).matches()) {
            if (!compact.startsWith("+") && compact.length() <= extensionMaxDigits) {
                return new ClearNumber(NumberType.EXTENSION, compact);
            }
            String e164 = compact.startsWith("+") ? valid(compact, "ZZ") : valid(compact, region);
            if (e164 == null && !compact.startsWith("+") && !compact.startsWith("0")) {
                e164 = valid("+" + compact, "ZZ");
            }
            if (e164 != null) {
                return new ClearNumber(NumberType.E164, e164);
            }
        }
        return new ClearNumber(NumberType.UNKNOWN, compact.length() > MAX_KEPT_LENGTH
                ? compact.substring(0, MAX_KEPT_LENGTH) : compact);
    }

    private static String valid(String number, String region) {
        try {
            PhoneNumber pn = UTIL.parse(number, region);
            return UTIL.isValidNumber(pn) ? UTIL.format(pn, PhoneNumberFormat.E164) : null;
        } catch (NumberParseException e) {
            return null;
        }
    }

    /** {@code "Alice" <sip:+4930123@host;user=phone>} → {@code +4930123}. */
    private static String userPart(String s) {
        int lt = s.lastIndexOf('<');
        int gt = s.lastIndexOf('>');
        if (lt >= 0 && gt > lt) {
            s = s.substring(lt + 1, gt);
        }
        String lower = s.toLowerCase(Locale.ROOT);
        for (String scheme : new String[] {"sips:", "sip:", "tel:"}) {
            if (lower.startsWith(scheme)) {
                s = s.substring(scheme.length());
                int end = indexOfAny(s, '@', ';');
                s = end < 0 ? s : s.substring(0, end);
                break;
            }
        }
        return s.strip();
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }
}
