package io.cdrpipeline.produce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.util.UrlEncoded;
import com.fasterxml.jackson.databind.DeserializationFeature;

/**
 * The JSON document inside what FreeSWITCH {@code mod_json_cdr} posts: a form field {@code cdr}
 * holding it URL-encoded ({@code encode=true}) or base64 ({@code encode=base64}), or the document
 * itself ({@code encode=false}).
 */
final class PostedDocument {

    /** Trailing tokens fail the read: {@code {"a":1} garbage} is no document (issue 23), not a stored CDR. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private PostedDocument() {
    }

    /** The JSON object inside the body, or null when there is none. */
    static byte[] extract(byte[] body, String contentType) {
        byte[] candidate = body;
        if (contentType != null && contentType.toLowerCase(Locale.ROOT).contains("x-www-form-urlencoded")) {
            String cdr = fields(new String(body, StandardCharsets.US_ASCII)).get("cdr");
            if (cdr == null) {
                return null;
            }
            String trimmed = cdr.strip();
            candidate = trimmed.startsWith("{") ? trimmed.getBytes(StandardCharsets.UTF_8) : base64(trimmed);
        }
        if (candidate == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(candidate);
            return node != null && node.isObject() ? candidate : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** A form's or query's fields, decoded by Jetty; a malformed pair is ignored (a missing field is reported as such). */
    static Map<String, String> fields(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            try {
                UrlEncoded.decodeTo(pair, out::put, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                // ignored
            }
        }
        return out;
    }

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
