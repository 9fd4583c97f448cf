package io.cdrpipeline.ingest;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits one CSV record with Jackson's CSV parser (quotes, doubled quotes, commas inside quoted
 * fields, empty unquoted fields) and names its columns. Exactly one row per record: a message
 * holding two lines is rejected rather than half-read.
 */
final class CsvRows {

    private static final CsvMapper MAPPER = new CsvMapper();
    private static final CsvSchema SCHEMA = CsvSchema.emptySchema().withoutHeader();
    private static final ThreadLocal<List<String>> FIELDS = ThreadLocal.withInitial(() -> new ArrayList<>(32));

    private CsvRows() {
    }

    /**
     * Reads the row with Jackson's streaming CSV parser (no data binding: a row is an array of
     * strings, read token by token).
     */
    static String[] split(String line) throws RejectedCdr {
        List<String> fields = FIELDS.get();
        fields.clear();
        try (CsvParser parser = MAPPER.getFactory().createParser(line)) {
            parser.setSchema(SCHEMA);
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new RejectedCdr(RejectReason.EMPTY, "no CSV row");
            }
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                if (t != JsonToken.VALUE_STRING) {
                    throw new RejectedCdr(RejectReason.MALFORMED, "not valid CSV (unexpected " + t + ")");
                }
                fields.add(parser.getText());
            }
            if (parser.nextToken() != null) {
                throw new RejectedCdr(RejectReason.MALFORMED, "more than one CSV row in one record");
            }
            return fields.toArray(new String[0]);
        } catch (IOException | RuntimeException e) {
            // Jackson's message quotes the offending input, which is PII: keep only its kind.
            throw new RejectedCdr(RejectReason.MALFORMED, "not valid CSV (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Column names to positions, built once per layout. */
    static Map<String, Integer> index(List<String> columns) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < columns.size(); i++) {
            index.putIfAbsent(columns.get(i), i);
        }
        return Map.copyOf(index);
    }

    /** A row read through its layout; absent columns read as null. */
    static Function<String, String> named(Map<String, Integer> index, String[] values) {
        return name -> {
            Integer i = index.get(name);
            return i == null || i >= values.length ? null : values[i];
        };
    }
}
