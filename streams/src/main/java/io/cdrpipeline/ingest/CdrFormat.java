package io.cdrpipeline.ingest;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The CDR formats we ingest, by the name used in the {@code cdr.format} header and in configuration. */
public enum CdrFormat {
    ASTERISK_CSV("asterisk-csv", "cdr_csv"),
    ASTERISK_CUSTOM("asterisk-custom", "cdr_custom"),
    FREESWITCH_CSV("freeswitch-csv", "mod_cdr_csv"),
    FREESWITCH_JSON("freeswitch-json", "mod_json_cdr"),
    CANONICAL_JSON("canonical-json", "json");

    private static final CdrFormat[] VALUES = values();

    private final String id;
    private final String alias;

    CdrFormat(String id, String alias) {
        this.id = id;
        this.alias = alias;
    }

    public String id() {
        return id;
    }

    public static Optional<CdrFormat> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        // Once per record: a loop over the few formats, the exact header first, no stream.
        for (CdrFormat f : VALUES) {
            if (f.id.equals(name)) {
                return Optional.of(f);
            }
        }
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (CdrFormat f : VALUES) {
            if (f.id.equals(n) || f.alias.equals(n)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(CdrFormat::id).toList());
    }

    @Override
    public String toString() {
        return id;
    }
}
