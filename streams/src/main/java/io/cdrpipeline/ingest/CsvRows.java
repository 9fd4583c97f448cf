package io.cdrpipeline.ingest;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
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

    private static final ObjectReader READER = new CsvMapper()
            .enable(CsvParser.Feature.WRAP_AS_ARRAY)
            .readerFor(String[].class)
            .with(CsvSchema.emptySchema().withoutHeader());

    private CsvRows() {
    }

    static String[] split(String line) throws RejectedCdr {
        try (MappingIterator<String[]> it = READER.readValues(line)) {
            if (!it.hasNextValue()) {
                throw new RejectedCdr(RejectReason.EMPTY, "no CSV row");
            }
            String[] row = it.nextValue();
            if (it.hasNextValue()) {
                throw new RejectedCdr(RejectReason.MALFORMED, "more than one CSV row in one record");
            }
            return row;
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
