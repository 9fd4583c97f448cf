package io.cdrpipeline.produce;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.ingest.CdrFormat;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CdrFilesTest {

    @Test
    void shouldSplitCsvByLineDroppingBomCrAndBlankLinesButKeepingLineNumbers() {
        byte[] file = "\uFEFFa,1\r\n\r\nb,2\n  \nc,3".getBytes(StandardCharsets.UTF_8);

        List<CdrFiles.Piece> pieces = split(file, CdrFormat.ASTERISK_CSV);

        assertThat(pieces).extracting(p -> new String(p.bytes(), StandardCharsets.UTF_8)).containsExactly("a,1", "b,2", "c,3");
        assertThat(pieces).extracting(CdrFiles.Piece::position).containsExactly(1L, 3L, 5L);
    }

    @Test
    void shouldSplitJsonDocumentsKeepingTheirOriginalBytes() {
        String a = "{\n  \"variables\": {\"uuid\": \"a\"}\n}";
        String b = "{\"variables\":{\"uuid\":\"b\"}}";
        List<CdrFiles.Piece> pieces = split((a + "\n" + b + "\n").getBytes(StandardCharsets.UTF_8), CdrFormat.FREESWITCH_JSON);

        assertThat(pieces).extracting(p -> new String(p.bytes(), StandardCharsets.UTF_8)).containsExactly(a, b);
    }

    @Test
    void shouldPassABrokenJsonTailOnAsOneRecordRatherThanDropIt() {
        String good = "{\"id\":\"p-1\"}";
        String broken = "{\"id\": \"p-2\", \"start\": \"20";
        List<CdrFiles.Piece> pieces = split((good + "\n" + broken).getBytes(StandardCharsets.UTF_8), CdrFormat.CANONICAL_JSON);

        assertThat(pieces).extracting(p -> new String(p.bytes(), StandardCharsets.UTF_8).strip()).containsExactly(good, broken);
    }

    @Test
    void shouldPassNonJsonAsOneRecord() {
        List<CdrFiles.Piece> pieces = split("not json at all".getBytes(StandardCharsets.UTF_8), CdrFormat.FREESWITCH_JSON);
        assertThat(pieces).hasSize(1);
    }

    private static List<CdrFiles.Piece> split(byte[] file, CdrFormat format) {
        List<CdrFiles.Piece> out = new ArrayList<>();
        CdrFiles.split(file, format, out::add);
        return out;
    }
}
