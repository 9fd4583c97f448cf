package io.cdrpipeline.ingest;

import java.time.ZoneId;
import java.util.List;

/**
 * How to read one switch's CDRs: its default format, the time zone of its local timestamps
 * (DST-correct), its dialling plan (region, prefixes, extensions), and an optional column layout
 * for template-driven formats (Asterisk cdr_custom, FreeSWITCH mod_cdr_csv) as variable names.
 */
public record SourceSettings(
        String name,
        CdrFormat defaultFormat,
        ZoneId zone,
        DialPlan plan,
        List<String> columns) {

    public SourceSettings {
        columns = columns == null ? List.of() : List.copyOf(columns);
    }

    public static SourceSettings defaults(String name, String region, ZoneId zone) {
        return new SourceSettings(name, null, zone, DialPlan.defaults(region), List.of());
    }

    /** The region whose national numbering applies (ISO 3166 alpha-2, or ZZ for none). */
    public String region() {
        return plan.region();
    }
}
