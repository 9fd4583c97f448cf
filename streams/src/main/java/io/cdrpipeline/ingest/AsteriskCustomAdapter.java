package io.cdrpipeline.ingest;

import java.util.List;

/**
 * Asterisk {@code cdr_custom}: the columns are whatever the mapping in cdr_custom.conf says. The
 * default is the sample {@code Master.csv} mapping (clid first, sequence last); a source can name
 * its own columns with Asterisk's CDR variable names.
 */
public final class AsteriskCustomAdapter implements CdrAdapter {

    public static final List<String> SAMPLE_MAPPING = List.of("clid", "src", "dst", "dcontext", "channel",
            "dstchannel", "lastapp", "lastdata", "start", "answer", "end", "duration", "billsec", "disposition",
            "amaflags", "accountcode", "uniqueid", "userfield", "sequence");

    private final TemplateLayout layout = new TemplateLayout(SAMPLE_MAPPING, "cdr_custom");

    @Override
    public CdrFormat format() {
        return CdrFormat.ASTERISK_CUSTOM;
    }

    @Override
    public SwitchCdr parse(String text, SourceSettings source) throws RejectedCdr {
        return AsteriskFields.toSwitchCdr(layout.read(text, source), source);
    }
}
