package io.cdrpipeline.config;

import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.ingest.DialPlan;
import io.cdrpipeline.ingest.SourceSettings;
import io.cdrpipeline.ingest.TemplateColumns;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.util.ArrayList;

/**
 * One switch's settings ({@code source.<name>.*}, or the default source's {@code default.*}) read
 * into {@link SourceSettings}: region and zone (required), format, column layout and dialling plan,
 * each bad value named by its key.
 */
final class SourceConfigs {

    private SourceConfigs() {
    }

    /** {@code fallback} gives a key the source does not set (the default source's value, or null). */
    static SourceSettings parse(String name, Map<String, String> p, String prefix, Function<String, String> fallback) {
        if (!name.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new ConfigException("source name '" + name + "' must be 1-128 of [A-Za-z0-9._-]");
        }
        boolean isDefault = prefix.equals("default.");
        Function<String, String> get = k -> p.containsKey(k) ? p.get(k) : fallback.apply(k);
        String region = get.apply("region");
        String zone = get.apply("zone");
        if (region == null || region.isBlank() || zone == null || zone.isBlank()) {
            List<String> missing = new ArrayList<>();
            if (region == null || region.isBlank()) {
                missing.add(prefix + "region (e.g. DE)");
            }
            if (zone == null || zone.isBlank()) {
                missing.add(prefix + "zone (e.g. Europe/Berlin)");
            }
            throw new ConfigException("source '" + name + "' needs " + String.join(" and ", missing)
                    + (isDefault ? "" : ", or default.region and default.zone for every source"));
        }
        CdrFormat format = format(get.apply("format"), prefix + "format");
        DialPlan plan;
        try {
            DialPlan.Builder b = DialPlan.builder(region(region, prefix + "region"));
            String ext = get.apply("extension.max.digits");
            if (ext != null && !ext.isBlank()) {
                b.extensionMaxDigits(wholeNumber(ext, prefix + "extension.max.digits"));
            }
            if (p.containsKey("extension.digits")) {
                b.extensionDigits(p.get("extension.digits"));
            }
            b.extensionPattern(p.get("extension.pattern"));
            if (p.containsKey("extension.names")) {
                b.sipUserNames(bool(p.get("extension.names"), prefix + "extension.names"));
            }
            if (p.containsKey("pseudo.extensions")) {
                b.pseudoExtensions(Set.copyOf(list(p.get("pseudo.extensions"))));
            }
            b.internationalPrefixes(list(p.get("international.prefixes")));
            b.trunkPrefix(p.get("trunk.prefix"));
            b.accessCodes(list(p.get("access.codes")));
            if (p.containsKey("international.without.prefix")) {
                b.internationalWithoutPrefix(bool(p.get("international.without.prefix"), prefix + "international.without.prefix"));
            }
            plan = b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(prefix + "*: " + e.getMessage());
        }
        List<String> columns = List.of();
        if (p.containsKey("columns")) {
            CdrFormat layoutFormat = format == null ? null : format;
            if (layoutFormat != CdrFormat.ASTERISK_CUSTOM && layoutFormat != CdrFormat.FREESWITCH_CSV) {
                throw new ConfigException(prefix + "columns needs " + prefix + "format set to asterisk-custom or freeswitch-csv");
            }
            try {
                columns = TemplateColumns.parse(p.get("columns"), layoutFormat);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(prefix + "columns: " + e.getMessage());
            }
        }
        return new SourceSettings(name, format, zone(zone, prefix + "zone"), plan, columns);
    }

    private static List<String> list(String v) {
        return v == null ? List.of() : Arrays.stream(v.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    private static boolean bool(String v, String key) {
        String b = v.strip().toLowerCase(Locale.ROOT);
        if (!b.equals("true") && !b.equals("false")) {
            throw new ConfigException(key + ": '" + v + "' must be true or false");
        }
        return b.equals("true");
    }

    private static int wholeNumber(String v, String key) {
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' is not a whole number");
        }
    }

    private static CdrFormat format(String v, String key) {
        if (v == null || v.isBlank()) {
            return null;
        }
        return CdrFormat.parse(v).orElseThrow(() ->
                new ConfigException(key + ": unknown format '" + v + "'; known: " + CdrFormat.names()));
    }

    private static String region(String v, String key) {
        String r = v.strip().toUpperCase(Locale.ROOT);
        if (!r.equals("ZZ") && !PhoneNumberUtil.getInstance().getSupportedRegions().contains(r)) {
            throw new ConfigException(key + ": '" + v + "' is not a region libphonenumber knows (ISO 3166 alpha-2, or ZZ)");
        }
        return r;
    }

    private static ZoneId zone(String v, String key) {
        try {
            return ZoneId.of(v.strip());
        } catch (DateTimeException e) {
            throw new ConfigException(key + ": '" + v + "' is not a time zone (use e.g. UTC or Europe/Berlin)");
        }
    }

}
