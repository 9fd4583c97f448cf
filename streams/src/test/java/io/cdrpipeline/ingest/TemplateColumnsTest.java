package io.cdrpipeline.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Pasted Asterisk cdr_custom and FreeSWITCH mod_cdr_csv templates, read column by column (issue 14, surviving mutants). */
class TemplateColumnsTest {

    @Test
    void readsAPastedCdrCustomLineWithOrWithoutItsFileName() {
        String line = "Master.csv => ${CSV_QUOTE(${CDR(clid)})},${CSV_QUOTE(${CDR(src)})},${CDR(start,u)},\"${CDR(end)}\",_";
        assertThat(TemplateColumns.parse(line, CdrFormat.ASTERISK_CUSTOM)).containsExactly("clid", "src", "start", "end", "_");
        assertThat(TemplateColumns.parse(line.substring(line.indexOf("=>") + 2), CdrFormat.ASTERISK_CUSTOM))
                .containsExactly("clid", "src", "start", "end", "_");
        assertThat(TemplateColumns.parse("start,end,billsec", CdrFormat.ASTERISK_CUSTOM)).containsExactly("start", "end", "billsec");
        // An arrow after a variable is not a file-name prefix: nothing is cut.
        assertThat(TemplateColumns.parse("${CDR(start)},${CDR(end)} => x", CdrFormat.ASTERISK_CUSTOM))
                .containsExactly("start", "end");
    }

    @Test
    void readsAModCdrCsvTemplate() {
        String xml = "<template name=\"sql\">\"${caller_id_number}\",\"${destination_number}\",\"${start_stamp}\",\"${end_epoch}\"</template>";
        assertThat(TemplateColumns.parse(xml, CdrFormat.FREESWITCH_CSV))
                .containsExactly("caller_id_number", "destination_number", "start_stamp", "end_epoch");
        assertThat(TemplateColumns.parse("\"${ start_uepoch }\",\"${end_uepoch}\"", CdrFormat.FREESWITCH_CSV))
                .containsExactly("start_uepoch", "end_uepoch");
        // A comma inside quotes does not split a column (and a literal is not a variable).
        assertThatThrownBy(() -> TemplateColumns.parse("\"${a}\",\"x,y\",${start_stamp},${end_stamp}", CdrFormat.FREESWITCH_CSV))
                .hasMessageContaining("column 2 has no variable name");
    }

    @Test
    void namesTheColumnThatCannotBeRead() {
        assertThatThrownBy(() -> TemplateColumns.parse("${CDR(start)},${CDR(strat)},${CDR(end)}", CdrFormat.ASTERISK_CUSTOM))
                .hasMessageContaining("column 2").hasMessageContaining("did you mean 'start'");
        assertThatThrownBy(() -> TemplateColumns.parse("${CDR(start)},${CDR(sxxxt)},${CDR(end)}", CdrFormat.ASTERISK_CUSTOM))
                .hasMessageContaining("column 2").hasMessageNotContaining("did you mean");
        assertThatThrownBy(() -> TemplateColumns.parse("${CDR(start)},${uuid},${CDR(end)}", CdrFormat.ASTERISK_CUSTOM))
                .hasMessageContaining("column 2").hasMessageContaining("not a ${CDR(...)} variable");
        assertThatThrownBy(() -> TemplateColumns.parse("${start_stamp},${CDR(src)},${end_stamp}", CdrFormat.FREESWITCH_CSV))
                .hasMessageContaining("column 2").hasMessageContaining("Asterisk");
        assertThatThrownBy(() -> TemplateColumns.parse("start,$(oops),end", CdrFormat.ASTERISK_CUSTOM))
                .hasMessageContaining("column 2 cannot be read");
        assertThatThrownBy(() -> TemplateColumns.parse("start,,end", CdrFormat.ASTERISK_CUSTOM))
                .hasMessageContaining("column 2 has no variable name");
        assertThatThrownBy(() -> TemplateColumns.parse("src,end", CdrFormat.ASTERISK_CUSTOM))
                .hasMessageContaining("no column for the call's start");
        assertThatThrownBy(() -> TemplateColumns.parse("src,start", CdrFormat.ASTERISK_CUSTOM))
                .hasMessageContaining("no column for the call's end");
        assertThatThrownBy(() -> TemplateColumns.parse("${start_stamp},${uuid}", CdrFormat.FREESWITCH_CSV))
                .hasMessageContaining("end_stamp, end_epoch or end_uepoch");
        assertThatThrownBy(() -> TemplateColumns.parse("${uuid},${end_stamp}", CdrFormat.FREESWITCH_CSV))
                .hasMessageContaining("start_stamp, start_epoch or start_uepoch");
    }

    @Test
    void measuresEditDistance() {
        assertThat(TemplateColumns.distance("kitten", "sitting")).isEqualTo(3);
        assertThat(TemplateColumns.distance("", "abc")).isEqualTo(3);
        assertThat(TemplateColumns.distance("abc", "")).isEqualTo(3);
        assertThat(TemplateColumns.distance("start", "start")).isZero();
        assertThat(TemplateColumns.distance("start", "strat")).isEqualTo(2);
        assertThat(TemplateColumns.distance("end", "ned")).isEqualTo(2);
    }
}
