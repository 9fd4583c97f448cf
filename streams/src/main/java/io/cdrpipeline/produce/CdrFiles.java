package io.cdrpipeline.produce;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.cdrpipeline.ingest.CdrFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Splits the bytes of a CDR file into raw records the way the switch wrote them: one per line for
 * the CSV formats (blank lines skipped, a leading byte-order mark dropped), one per top-level JSON
 * document for the JSON formats (FreeSWITCH writes one per file per leg; NDJSON works too), with
 * the original bytes kept. What cannot be split — a broken JSON tail — becomes one more record,
 * which the pipeline will reject with a reason: nothing is dropped here.
 */
public final class CdrFiles {

    private static final JsonFactory JSON = new JsonFactory();

    private CdrFiles() {
    }

    /** A record cut from a file, with its 1-based line (CSV) or document number (JSON). */
    public record Piece(byte[] bytes, long position) {
    }

    public static void split(byte[] file, CdrFormat format, Consumer<Piece> out) {
        if (format == CdrFormat.FREESWITCH_JSON || format == CdrFormat.CANONICAL_JSON) {
            splitJson(file, out);
        } else {
            splitLines(file, out);
        }
    }

    public static void splitLines(byte[] file, Consumer<Piece> out) {
        int start = hasBom(file) ? 3 : 0;
        long line = 1;
        for (int i = start; i <= file.length; i++) {
            if (i == file.length || file[i] == '\n') {
                int end = i;
                if (end > start && file[end - 1] == '\r') {
                    end--;
                }
                if (!isBlank(file, start, end)) {
                    out.accept(new Piece(Arrays.copyOfRange(file, start, end), line));
                }
                line++;
                start = i + 1;
            }
        }
    }

    static void splitJson(byte[] file, Consumer<Piece> out) {
        int offset = hasBom(file) ? 3 : 0;
        List<Piece> docs = new ArrayList<>();
        long consumed = offset;
        try (JsonParser p = JSON.createParser(file, offset, file.length - offset)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                long from = p.currentTokenLocation().getByteOffset() + offset;
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                }
                long to = p.currentLocation().getByteOffset() + offset;
                docs.add(new Piece(Arrays.copyOfRange(file, (int) from, (int) to), docs.size() + 1));
                consumed = to;
            }
        } catch (IOException | RuntimeException e) {
            // keep what was split; the rest goes on as one record and is rejected downstream
        }
        docs.forEach(out);
        if (!isBlank(file, (int) consumed, file.length)) {
            out.accept(new Piece(Arrays.copyOfRange(file, (int) consumed, file.length), docs.size() + 1));
        }
    }

    private static boolean hasBom(byte[] b) {
        return b.length >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF;
    }

    private static boolean isBlank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r' && b[i] != '\n') {
                return false;
            }
        }
        return true;
    }
}
