package io.cdrpipeline.normalize;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.i18n.phonenumbers.ShortNumberInfo;
import io.cdrpipeline.ingest.DialPlan;
import io.cdrpipeline.schema.NumberType;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a switch's party string under the source's {@link DialPlan} into a {@link ClearNumber},
 * never by guessing and never altering what it keeps. In order: a display name before
 * {@code <...>} is dropped; blank or a privacy marker is withheld; a SIP/tel URI or
 * {@code user@host} is a number only when its user part is one, else a SIP identity; a string
 * with spaces that is no number is a display name, not a party; emergency numbers; the plan's
 * extensions (digit lengths, pattern, feature codes, SIP user names, pseudo-extensions); then
 * dialling: access codes, international and trunk prefixes. A dialled number is E.164 when it
 * is a possible number for its country (libphonenumber) — whether the range is listed is
 * {@code knownRange} — and a string that starts with a country code but no prefix is read as
 * international only where the plan says the switch logs them so. A region's short codes next;
 * anything else is UNKNOWN, kept exactly as logged. Results are cached (parsing costs ~9 µs and
 * traffic repeats numbers).
 */
public final class NumberNormalizer {

    /** The longest party string accepted; a longer one is no party of a call. */
    public static final int MAX_PARTY_LENGTH = 256;

    private static final ShortNumberInfo SHORT = ShortNumberInfo.getInstance();
    private static final Set<String> WITHHELD_MARKERS = Set.of("anonymous", "restricted", "private", "unavailable",
            "unknown", "withheld", "anonymous@anonymous.invalid", "blocked", "anonymous@localhost");
    /** Visual separators people and switches put inside numbers: {@code 030 1234-567}, {@code (212) 555.1234}. */
    private static final Pattern SEPARATORS = Pattern.compile("[\\s().\\-/]");
    private static final Pattern SPACED_NUMBER = Pattern.compile("\\+?\\(?\\d[\\d\\s().\\-/]*");
    private static final Pattern DIGITS = Pattern.compile("\\d+");
    /** A dotted IPv4 address: a SIP peer's address, not a number. */
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern FEATURE_CODE = Pattern.compile("[*#][*#\\d]{0,9}");
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._~+-]{0,63}");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]{1,253}");

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

    /** The party, or null when the switch logged nothing (blank: no party, {@link ClearNumber#ABSENT}). Never throws. */
    public ClearNumber normalize(String raw, DialPlan plan) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        return cache.get(plan.id() + "\u0000" + raw, k -> compute(raw, plan));
    }

    static ClearNumber compute(String logged, DialPlan plan) {
        String kept = withoutDisplayName(logged);
        if (kept == null) {
            // Only a display name ("John Smith"): no party, and the name is not kept in billing.
            return ClearNumber.ABSENT;
        }
        String s = kept.strip();
        String lower = s.toLowerCase(Locale.ROOT);
        if (s.isEmpty()) {
            return ClearNumber.ABSENT;
        }
        if (WITHHELD_MARKERS.contains(lower)) {
            return ClearNumber.withheld(kept);
        }
        String scheme = lower.startsWith("sips:") ? "sips:" : lower.startsWith("sip:") ? "sip:"
                : lower.startsWith("tel:") ? "tel:" : null;
        if (scheme != null) {
            s = s.substring(scheme.length());
            int params = s.indexOf(';');
            if (scheme.equals("tel:") || s.indexOf('@') < 0) {
                s = params < 0 ? s : s.substring(0, params);
                ClearNumber n = scheme.equals("tel:") ? dialled(s, kept, plan) : null;
                return n != null ? n : unknown(kept);
            }
        }
        int at = s.indexOf('@');
        if (at >= 0) {
            return userAtHost(s, at, kept, plan);
        }
        if (!SPACED_NUMBER.matcher(s).matches() && containsWhitespace(s)) {
            return ClearNumber.ABSENT;
        }
        ClearNumber n = dialled(s, kept, plan);
        return n != null ? n : unknown(kept);
    }

    private static ClearNumber userAtHost(String s, int at, String kept, DialPlan plan) {
        String user = s.substring(0, at);
        String host = s.substring(at + 1);
        int end = indexOfAny(host, ';', '>', '?');
        host = end < 0 ? host : host.substring(0, end);
        int userParams = user.indexOf(';');
        if (userParams >= 0) {
            user = user.substring(0, userParams);
        }
        if (user.isEmpty() || WITHHELD_MARKERS.contains(user.toLowerCase(Locale.ROOT))) {
            return ClearNumber.withheld(kept);
        }
        if (SPACED_NUMBER.matcher(user).matches() || FEATURE_CODE.matcher(user).matches()) {
            ClearNumber n = dialled(user, kept, plan);
            if (n != null) {
                return n;
            }
        }
        if (!USER_NAME.matcher(user).matches() || !HOST.matcher(host).matches()) {
            return unknown(kept);
        }
        return new ClearNumber(NumberType.SIP_IDENTITY, user + "@" + host.toLowerCase(Locale.ROOT), kept, null);
    }

    /**
     * A dial string (digits, maybe separators, '+', a name): its reading under the plan, or null.
     * Separators may split a phone number ({@code (212) 555-0123}), never an extension, a feature,
     * short or emergency code; an IP address is no number at all ({@code 192.0.2.4} is not extension
     * 192024).
     */
    private static ClearNumber dialled(String s, String kept, DialPlan plan) {
        if (IPV4.matcher(s.strip()).matches()) {
            return null;
        }
        String compact = SEPARATORS.matcher(s).replaceAll("");
        boolean separated = compact.length() != s.length();
        if (!separated && FEATURE_CODE.matcher(compact).matches()) {
            return new ClearNumber(NumberType.EXTENSION, compact, kept, null);
        }
        if (compact.startsWith("+")) {
            String digits = compact.substring(1);
            return DIGITS.matcher(digits).matches() ? DialledNumbers.international(digits, kept) : null;
        }
        if (!DIGITS.matcher(compact).matches()) {
            return name(s, kept, plan);   // a name is checked as logged: john.doe is a user name
        }
        String region = plan.region();
        if (!separated && !region.equals("ZZ") && SHORT.isEmergencyNumber(compact, region)) {
            return new ClearNumber(NumberType.EMERGENCY, compact, kept, null);
        }
        if (!separated && (plan.isExtensionLength(compact.length())
                || (plan.extensionPattern() != null && plan.extensionPattern().matcher(compact).matches()))) {
            return new ClearNumber(NumberType.EXTENSION, compact, kept, null);
        }
        // Precedence: an international prefix before an access code that is its first digit.
        ClearNumber abroad = DialledNumbers.readInternational(compact, kept, plan);
        if (abroad != null) {
            return abroad;
        }
        for (String access : plan.accessCodes()) {
            if (compact.length() > access.length() && compact.startsWith(access)) {
                ClearNumber n = DialledNumbers.read(compact.substring(access.length()), kept, plan, true);
                if (n != null) {
                    return n;
                }
            }
        }
        ClearNumber n = DialledNumbers.read(compact, kept, plan);
        if (n != null) {
            return n;
        }
        return !separated && !region.equals("ZZ") && DialledNumbers.isShortCode(compact, region)
                ? new ClearNumber(NumberType.SHORT_CODE, compact, kept, null) : null;
    }

    private static ClearNumber name(String s, String kept, DialPlan plan) {
        if (plan.isPseudoExtension(s)) {
            return new ClearNumber(NumberType.EXTENSION, s, kept, null);
        }
        if (plan.extensionPattern() != null && plan.extensionPattern().matcher(s).matches()) {
            return new ClearNumber(NumberType.EXTENSION, s, kept, null);
        }
        if (plan.sipUserNames() && USER_NAME.matcher(s).matches() && s.chars().anyMatch(Character::isLetter)) {
            return new ClearNumber(NumberType.EXTENSION, s, kept, null);
        }
        return null;
    }

    private static ClearNumber unknown(String kept) {
        return new ClearNumber(NumberType.UNKNOWN, kept.strip(), kept, null);
    }

    /**
     * The party without a display name: {@code "Alice" <sip:201@pbx>} → {@code sip:201@pbx};
     * null when the string is only a quoted name. Anything else is returned as it is.
     */
    static String withoutDisplayName(String s) {
        int lt = s.lastIndexOf('<');
        int gt = s.lastIndexOf('>');
        if (lt >= 0 && gt > lt && s.substring(gt + 1).isBlank()) {
            return s.substring(lt + 1, gt);
        }
        String t = s.strip();
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") && t.chars().anyMatch(Character::isLetter)) {
            return null;
        }
        return s;
    }

    private static boolean containsWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static int indexOfAny(String s, char a, char b, char c) {
        int best = -1;
        for (char ch : new char[] {a, b, c}) {
            int i = s.indexOf(ch);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }
}
