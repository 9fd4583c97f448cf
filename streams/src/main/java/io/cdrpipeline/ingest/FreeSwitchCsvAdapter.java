package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.LegRole;
import java.util.List;
import java.util.Map;

/**
 * FreeSWITCH {@code mod_cdr_csv}. The default is the shipped {@code example} template (15 quoted
 * fields, a-legs only); a source can name the variables of its own template in order. Stamps are
 * the switch's local time; add {@code start_epoch}-style columns to a template to avoid DST
 * guesswork altogether.
 */
public final class FreeSwitchCsvAdapter implements CdrAdapter {

    public static final List<String> EXAMPLE_TEMPLATE = List.of("caller_id_name", "caller_id_number",
            "destination_number", "context", "start_stamp", "answer_stamp", "end_stamp", "duration", "billsec",
            "hangup_cause", "uuid", "bleg_uuid", "accountcode", "read_codec", "write_codec");

    private List<String> lastColumns = EXAMPLE_TEMPLATE;
    private Map<String, Integer> lastIndex = CsvRows.index(EXAMPLE_TEMPLATE);

    @Override
    public CdrFormat format() {
        return CdrFormat.FREESWITCH_CSV;
    }

    @Override
    public SwitchCdr parse(String text, SourceSettings source) throws RejectedCdr {
        List<String> columns = source.columns().isEmpty() ? EXAMPLE_TEMPLATE : source.columns();
        if (!columns.equals(lastColumns)) {
            lastColumns = columns;
            lastIndex = CsvRows.index(columns);
        }
        String[] values = CsvRows.split(text);
        if (values.length != columns.size()) {
            throw new RejectedCdr(RejectReason.COLUMN_COUNT,
                    "mod_cdr_csv row has " + values.length + " columns, template has " + columns.size());
        }
        // The shipped config logs a-legs to this file (legs=a): the originating side.
        return FreeSwitchFields.toSwitchCdr(CsvRows.named(lastIndex, values), source, LegRole.ORIGINATING);
    }
}
