package io.cdrpipeline.ingest;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Columns of a template-driven CSV format (Asterisk cdr_custom, FreeSWITCH mod_cdr_csv): the
 * source's own column list, or the format's default. The name index of the last layout is kept,
 * since one adapter instance sees the same source's layout record after record.
 */
final class TemplateLayout {

    private final List<String> defaults;
    private final String what;
    private List<String> lastColumns;
    private Map<String, Integer> lastIndex;

    TemplateLayout(List<String> defaults, String what) {
        this.defaults = defaults;
        this.what = what;
        this.lastColumns = defaults;
        this.lastIndex = CsvRows.index(defaults);
    }

    /** Splits one row and names its columns by the source's layout; the column count must match. */
    Function<String, String> read(String text, SourceSettings source) throws RejectedCdr {
        List<String> columns = source.columns().isEmpty() ? defaults : source.columns();
        if (!columns.equals(lastColumns)) {
            lastColumns = columns;
            lastIndex = CsvRows.index(columns);
        }
        String[] values = CsvRows.split(text);
        if (values.length != columns.size()) {
            throw new RejectedCdr(RejectReason.COLUMN_COUNT,
                    what + " row has " + values.length + " columns, template has " + columns.size());
        }
        return CsvRows.named(lastIndex, values);
    }
}
