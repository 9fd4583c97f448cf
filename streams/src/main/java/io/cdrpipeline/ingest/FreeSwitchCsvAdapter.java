package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.LegRole;
import java.util.List;

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

    private final TemplateLayout layout = new TemplateLayout(EXAMPLE_TEMPLATE, "mod_cdr_csv");

    @Override
    public CdrFormat format() {
        return CdrFormat.FREESWITCH_CSV;
    }

    @Override
    public SwitchCdr parse(String text, SourceSettings source) throws RejectedCdr {
        // The shipped config logs a-legs to this file (legs=a): the originating side.
        return FreeSwitchFields.toSwitchCdr(layout.read(text, source), source, LegRole.ORIGINATING);
    }
}
