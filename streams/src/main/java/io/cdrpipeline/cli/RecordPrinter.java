package io.cdrpipeline.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.serde.AvroJson;
import io.cdrpipeline.topology.Topics;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import io.cdrpipeline.serde.AvroSerde;

/**
 * How {@code consume} prints a record: JSON lines (Avro values decoded, tombstones as null, keep-alives
 * marked), or CSV with one column per field for spreadsheets. Keys and values that are not UTF-8 text
 * (the raw and rejected topics' identity keys) print as base64, saying so.
 */
final class RecordPrinter {

    enum Format { JSONL, CSV }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CsvMapper CSV = new CsvMapper();
    private final PipelineConfig config;
    private final Format format;
    private final PrintStream out;
    private final AvroSerde<?> billing = Topics.billingSerde();
    private final AvroSerde<?> analytics = Topics.analyticsSerde();
    private final AvroSerde<?> audit = Topics.auditSerde();
    private List<String> columns;

    RecordPrinter(PipelineConfig config, Format format, PrintStream out) {
        this.config = config;
        this.format = format;
        this.out = out;
    }

    void print(ConsumerRecord<byte[], byte[]> r) throws JsonProcessingException {
        ObjectNode o = render(r);
        if (format == Format.JSONL) {
            out.println(JSON.writeValueAsString(o));
            return;
        }
        Map<String, String> row = new LinkedHashMap<>();
        flatten("", o, row);
        if (columns == null) {
            columns = new ArrayList<>(row.keySet());
            out.print(CSV.writer(header()).writeValueAsString(List.of()));
        }
        List<String> values = new ArrayList<>();
        columns.forEach(c -> values.add(row.get(c)));
        out.print(CSV.writer(CsvSchema.emptySchema()).writeValueAsString(values));
    }

    private CsvSchema header() {
        CsvSchema.Builder b = CsvSchema.builder().setUseHeader(true);
        columns.forEach(b::addColumn);
        return b.build();
    }

    ObjectNode render(ConsumerRecord<byte[], byte[]> r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset()).put("timestamp", r.timestamp());
        putBytes(o, "key", r.key());
        ObjectNode headers = JSON.createObjectNode();
        for (Header h : r.headers()) {
            String t = h.value() == null ? null : text(h.value());
            headers.put(h.key(), h.value() == null ? null : t != null ? t : Base64.getEncoder().encodeToString(h.value()));
        }
        byte[] v = r.value();
        o.put("tombstone", v == null);
        if (v == null) {
            o.putNull("value");
            if (KeepAlive.isKeepAlive(r.key())) {
                o.put("keepAlive", true);   // appended by a sweep so quiet partitions roll; no row to delete
            }
        } else if (r.topic().equals(config.topic(OwnedTopic.BILLING))) {
            o.set("value", AvroJson.toJson(billing.decode(v)));
        } else if (r.topic().equals(config.topic(OwnedTopic.ANALYTICS))) {
            o.set("value", AvroJson.toJson(analytics.decode(v)));
        } else if (r.topic().equals(config.topic(OwnedTopic.AUDIT))) {
            o.set("value", AvroJson.toJson(audit.decode(v)));
        } else {
            putBytes(o, "value", v);
        }
        if (format == Format.JSONL) {
            o.set("headers", headers);
        }
        return o;
    }

    /** Text as it is; anything that is not valid UTF-8 (a 4-byte identity key) as base64, with {@code <name>Encoding}. */
    private static void putBytes(ObjectNode o, String name, byte[] bytes) {
        if (bytes == null) {
            o.putNull(name);
            return;
        }
        String t = text(bytes);
        if (t != null) {
            o.put(name, t);
        } else {
            o.put(name, Base64.getEncoder().encodeToString(bytes));
            o.put(name + "Encoding", "base64");
        }
    }

    /** The bytes as UTF-8 when they are valid, printable text; else null. */
    private static String text(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            return s.chars().allMatch(c -> c >= 0x20 || c == '\t' || c == '\n' || c == '\r') ? s : null;
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> row) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), row);
            }
        } else {
            row.put(prefix, node.isNull() ? "" : node.asText());
        }
    }
}
