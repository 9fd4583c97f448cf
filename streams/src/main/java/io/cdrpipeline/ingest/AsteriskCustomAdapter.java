package io.cdrpipeline.ingest;

import java.util.List;
import java.util.Map;

/**
 * Asterisk {@code cdr_custom}: the columns are whatever the mapping in cdr_custom.conf says. The
 * default is the sample {@code Master.csv} mapping (clid first, sequence last); a source can name
 * its own columns with Asterisk's CDR variable names.
 */
public final class AsteriskCustomAdapter implements CdrAdapter {

    public static final List<String> SAMPLE_MAPPING = List.of("clid", "src", "dst", "dcontext", "channel",
            "dstchannel", "lastapp", "lastdata", "start", "answer", "end", "duration", "billsec", "disposition",
            "amaflags", "accountcode", "uniqueid", "userfield", "sequence");

    private static final Map<String, Integer> SAMPLE_INDEX = CsvRows.index(SAMPLE_MAPPING);

    private List<String> lastColumns = SAMPLE_MAPPING;
    private Map<String, Integer> lastIndex = SAMPLE_INDEX;

    @Override
    public CdrFormat format() {
        return CdrFormat.ASTERISK_CUSTOM;
    }

    @Override
    public SwitchCdr parse(String text, SourceSettings source) throws RejectedCdr {
        List<String> columns = source.columns().isEmpty() ? SAMPLE_MAPPING : source.columns();
        if (!columns.equals(lastColumns)) {
            lastColumns = columns;
            lastIndex = CsvRows.index(columns);
        }
        Map<String, Integer> index = lastIndex;
        String[] values = CsvRows.split(text);
        if (values.length != columns.size()) {
            throw new RejectedCdr(RejectReason.COLUMN_COUNT,
                    "cdr_custom row has " + values.length + " columns, mapping has " + columns.size());
        }
        return AsteriskFields.toSwitchCdr(CsvRows.named(index, values), source);
    }
}
