package io.cdrpipeline.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Asterisk {@code cdr_csv} (Master.csv): 16 base columns, then {@code uniqueid} if
 * {@code loguniqueid}, {@code userfield} if {@code loguserfield}, then {@code peeraccount,
 * linkedid, sequence} if {@code newcdrcolumns} — so 16 to 21 columns. With 17 or 20 columns the
 * extra one is told apart by its shape: a uniqueid looks like {@code [system-]epoch.seq}.
 */
public final class AsteriskCsvAdapter implements CdrAdapter {

    static final List<String> BASE = List.of("accountcode", "src", "dst", "dcontext", "clid", "channel",
            "dstchannel", "lastapp", "lastdata", "start", "answer", "end", "duration", "billsec",
            "disposition", "amaflags");
    private static final List<String> NEW_COLUMNS = List.of("peeraccount", "linkedid", "sequence");
    private static final Pattern UNIQUE_ID = Pattern.compile("([A-Za-z0-9_.-]+-)?\\d{9,11}\\.\\d+");

    private static final Map<String, Integer> BASE_ONLY = CsvRows.index(BASE);
    private static final Map<String, Integer> WITH_UNIQUEID = CsvRows.index(layout(true, false, false));
    private static final Map<String, Integer> WITH_USERFIELD = CsvRows.index(layout(false, true, false));
    private static final Map<String, Integer> WITH_BOTH = CsvRows.index(layout(true, true, false));
    private static final Map<String, Integer> NEW_ONLY = CsvRows.index(layout(false, false, true));
    private static final Map<String, Integer> NEW_UNIQUEID = CsvRows.index(layout(true, false, true));
    private static final Map<String, Integer> NEW_USERFIELD = CsvRows.index(layout(false, true, true));
    private static final Map<String, Integer> ALL = CsvRows.index(layout(true, true, true));

    @Override
    public CdrFormat format() {
        return CdrFormat.ASTERISK_CSV;
    }

    @Override
    public SwitchCdr parse(String text, SourceSettings source) throws RejectedCdr {
        String[] values = CsvRows.split(text);
        Map<String, Integer> index = switch (values.length) {
            case 16 -> BASE_ONLY;
            case 17 -> looksLikeUniqueId(values[16]) ? WITH_UNIQUEID : WITH_USERFIELD;
            case 18 -> WITH_BOTH;
            case 19 -> NEW_ONLY;
            case 20 -> looksLikeUniqueId(values[16]) ? NEW_UNIQUEID : NEW_USERFIELD;
            case 21 -> ALL;
            default -> throw new RejectedCdr(RejectReason.COLUMN_COUNT,
                    "cdr_csv row has " + values.length + " columns, expected 16 to 21");
        };
        return AsteriskFields.toSwitchCdr(CsvRows.named(index, values), source);
    }

    private static boolean looksLikeUniqueId(String value) {
        return value != null && UNIQUE_ID.matcher(value.strip()).matches();
    }

    private static List<String> layout(boolean uniqueId, boolean userField, boolean newColumns) {
        List<String> columns = new ArrayList<>(BASE);
        if (uniqueId) {
            columns.add("uniqueid");
        }
        if (userField) {
            columns.add("userfield");
        }
        if (newColumns) {
            columns.addAll(NEW_COLUMNS);
        }
        return columns;
    }
}
