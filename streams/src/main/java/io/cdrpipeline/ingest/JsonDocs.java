package io.cdrpipeline.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** JSON reading shared by the JSON adapters: one top-level object per record, text leaves only. */
final class JsonDocs {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonDocs() {
    }

    static ObjectNode object(String text) throws RejectedCdr {
        JsonNode node;
        try {
            node = MAPPER.readTree(text);
        } catch (JsonProcessingException | RuntimeException e) {
            // The parser's message quotes the input (PII): keep only its kind.
            throw new RejectedCdr(RejectReason.MALFORMED, "not valid JSON (" + e.getClass().getSimpleName() + ")");
        }
        if (node == null || !node.isObject()) {
            throw new RejectedCdr(RejectReason.MALFORMED, "JSON record is not an object");
        }
        return (ObjectNode) node;
    }

    /** A scalar member as text; null when absent, JSON null, or a container. */
    static String text(JsonNode parent, String field) {
        if (parent == null) {
            return null;
        }
        JsonNode v = parent.get(field);
        return v == null || !v.isValueNode() || v.isNull() ? null : v.asText();
    }

    /**
     * Percent-decodes a mod_json_cdr value ({@code encode-values=true}, the default). A literal
     * '+' is kept: FreeSWITCH encodes '+' as %2B, and form decoding would turn an E.164 '+' into a
     * space. A value that is not valid percent-encoding is kept as written.
     */
    static String percentDecoded(String value) {
        if (value == null || value.indexOf('%') < 0) {
            return value;
        }
        try {
            return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return value;
        }
    }
}
