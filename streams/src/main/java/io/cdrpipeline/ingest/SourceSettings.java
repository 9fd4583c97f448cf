package io.cdrpipeline.ingest;

import java.time.ZoneId;
import java.util.List;

/**
 * How to read one switch's CDRs: its default format, the region for national numbers, the time
 * zone of its local timestamps (DST-correct), the longest digit string still treated as an
 * internal extension, and an optional column layout for template-driven formats
 * (Asterisk cdr_custom, FreeSWITCH mod_cdr_csv).
 */
public record SourceSettings(
        String name,
        CdrFormat defaultFormat,
        String region,
        ZoneId zone,
        int extensionMaxDigits,
        List<String> columns) {

    public static final int DEFAULT_EXTENSION_MAX_DIGITS = 6;

    public SourceSettings {
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    public static SourceSettings defaults(String name, String region, ZoneId zone) {
        return new SourceSettings(name, null, region, zone, DEFAULT_EXTENSION_MAX_DIGITS, List.of());
    }
}
