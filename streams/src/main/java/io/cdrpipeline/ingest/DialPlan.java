package io.cdrpipeline.ingest;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * How one switch's users dial, so that a party string is read the way the switch meant it and
 * never by guessing: the region whose national format applies; international prefixes and the
 * national trunk prefix (libphonenumber's metadata for the region unless configured); access
 * codes dialled before the real number (an outside-line {@code 9}); what counts as an internal
 * extension (digit lengths, a pattern, SIP user names, dialplan pseudo-extensions); and whether
 * the switch logs international numbers with no prefix at all. Immutable; identity equality, so
 * that it can key a cache cheaply.
 */
public final class DialPlan {

    /** Asterisk's dialplan pseudo-extensions and the usual application targets. */
    public static final Set<String> DEFAULT_PSEUDO_EXTENSIONS = Set.of("s", "t", "T", "h", "i", "o", "a", "e",
            "fax", "talk", "voicemail", "vm");
    public static final int DEFAULT_EXTENSION_MAX_DIGITS = 6;
    /** Plans with the same content share an id, so a cache keyed by it stays warm across topologies and restarts. */
    private static final Map<String, Integer> IDS = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT_ID = new AtomicInteger();

    private final int id;
    // Every rule below must be in the id's key (toString plus the pseudo-extensions, see the
    // constructor): two plans that differ in a rule left out would share cached readings.
    private final String region;
    private final List<String> internationalPrefixes;
    private final String trunkPrefix;
    private final List<String> accessCodes;
    private final BitSet extensionLengths;
    private final Pattern extensionPattern;
    private final boolean sipUserNames;
    private final Set<String> pseudoExtensions;
    private final boolean internationalWithoutPrefix;

    private DialPlan(Builder b) {
        this.region = b.region;
        this.internationalPrefixes = sortedLongestFirst(b.internationalPrefixes);
        this.trunkPrefix = b.trunkPrefix;
        this.accessCodes = sortedLongestFirst(b.accessCodes);
        this.extensionLengths = (BitSet) b.extensionLengths.clone();
        this.extensionPattern = b.extensionPattern;
        this.sipUserNames = b.sipUserNames;
        this.pseudoExtensions = Set.copyOf(b.pseudoExtensions);
        this.internationalWithoutPrefix = b.internationalWithoutPrefix;
        this.id = IDS.computeIfAbsent(toString() + ", pseudo=" + new TreeSet<>(pseudoExtensions), k -> NEXT_ID.incrementAndGet());
    }

    /** The plan a region's metadata implies: extensions of 1 to 6 digits, SIP user names, pseudo-extensions. */
    public static DialPlan defaults(String region) {
        return builder(region).build();
    }

    public static Builder builder(String region) {
        return new Builder(region);
    }

    /** A number for cache keys: equal for plans that read every party alike, distinct otherwise. */
    public int id() {
        return id;
    }

    public String region() {
        return region;
    }

    /** Configured international prefixes, longest first; empty means libphonenumber's for the region. */
    public List<String> internationalPrefixes() {
        return internationalPrefixes;
    }

    /** Configured national trunk prefix, or null for libphonenumber's. */
    public String trunkPrefix() {
        return trunkPrefix;
    }

    public List<String> accessCodes() {
        return accessCodes;
    }

    public boolean isExtensionLength(int digits) {
        return digits < extensionLengths.size() && extensionLengths.get(digits);
    }

    public Pattern extensionPattern() {
        return extensionPattern;
    }

    public boolean sipUserNames() {
        return sipUserNames;
    }

    public boolean isPseudoExtension(String s) {
        return pseudoExtensions.contains(s);
    }

    public boolean internationalWithoutPrefix() {
        return internationalWithoutPrefix;
    }

    @Override
    public String toString() {
        return "DialPlan[" + region + ", intl=" + internationalPrefixes + ", trunk=" + trunkPrefix + ", access="
                + accessCodes + ", extensions=" + extensionLengths + (extensionPattern == null ? "" : " ~" + extensionPattern)
                + ", names=" + sipUserNames + ", intlWithoutPrefix=" + internationalWithoutPrefix + "]";
    }

    private static List<String> sortedLongestFirst(List<String> codes) {
        return codes.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
    }

    /** Builds a plan; every setter validates, naming what is wrong. */
    public static final class Builder {
        private final String region;
        private List<String> internationalPrefixes = List.of();
        private String trunkPrefix;
        private List<String> accessCodes = List.of();
        private final BitSet extensionLengths = new BitSet();
        private Pattern extensionPattern;
        private boolean sipUserNames = true;
        private Set<String> pseudoExtensions = DEFAULT_PSEUDO_EXTENSIONS;
        private boolean internationalWithoutPrefix;

        private Builder(String region) {
            String r = region == null ? "ZZ" : region.strip().toUpperCase(Locale.ROOT);
            if (!r.equals("ZZ") && !PhoneNumberUtil.getInstance().getSupportedRegions().contains(r)) {
                throw new IllegalArgumentException("'" + region + "' is not a region libphonenumber knows");
            }
            this.region = r;
            extensionLengths.set(1, DEFAULT_EXTENSION_MAX_DIGITS + 1);
        }

        public Builder internationalPrefixes(List<String> prefixes) {
            this.internationalPrefixes = digitCodes(prefixes, "international prefix");
            return this;
        }

        public Builder trunkPrefix(String prefix) {
            this.trunkPrefix = prefix == null || prefix.isBlank() ? null : digitCodes(List.of(prefix), "trunk prefix").get(0);
            return this;
        }

        public Builder accessCodes(List<String> codes) {
            this.accessCodes = digitCodes(codes, "access code");
            return this;
        }

        /** Extensions are digit strings of 1 to {@code max} digits (0: no digit-only extensions). */
        public Builder extensionMaxDigits(int max) {
            if (max < 0 || max > 15) {
                throw new IllegalArgumentException("extension digits must be 0..15, not " + max);
            }
            extensionLengths.clear();
            if (max > 0) {
                extensionLengths.set(1, max + 1);
            }
            return this;
        }

        /** Extension lengths as ranges, e.g. {@code 3-4,8}. */
        public Builder extensionDigits(String ranges) {
            extensionLengths.clear();
            for (String part : ranges.split(",")) {
                String p = part.strip();
                if (p.isEmpty()) {
                    continue;
                }
                int dash = p.indexOf('-');
                try {
                    int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
                    int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
                    if (from < 1 || to > 15 || from > to) {
                        throw new IllegalArgumentException("extension digits '" + p + "' must be lengths within 1..15");
                    }
                    extensionLengths.set(from, to + 1);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("extension digits '" + p + "' is not a length or a range like 3-4");
                }
            }
            return this;
        }

        public Builder extensionPattern(String regex) {
            this.extensionPattern = regex == null || regex.isBlank() ? null : Pattern.compile(regex.strip());
            return this;
        }

        public Builder sipUserNames(boolean names) {
            this.sipUserNames = names;
            return this;
        }

        public Builder pseudoExtensions(Set<String> names) {
            this.pseudoExtensions = Set.copyOf(names);
            return this;
        }

        public Builder internationalWithoutPrefix(boolean yes) {
            this.internationalWithoutPrefix = yes;
            return this;
        }

        public DialPlan build() {
            return new DialPlan(this);
        }

        private static List<String> digitCodes(List<String> codes, String what) {
            List<String> out = codes.stream().map(String::strip).filter(c -> !c.isEmpty()).toList();
            for (String c : out) {
                if (!c.matches("[0-9*#]{1,6}")) {
                    throw new IllegalArgumentException(what + " '" + c + "' must be 1 to 6 digits");
                }
            }
            return out;
        }
    }
}
