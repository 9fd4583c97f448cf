package io.cdrpipeline.produce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.cdrpipeline.ingest.CdrFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Accepts what FreeSWITCH {@code mod_json_cdr} posts — a form field {@code cdr} holding the
 * URL-encoded JSON document (the default {@code encode=true}), base64 ({@code encode=base64}), or
 * the JSON document itself ({@code encode=false}) — and answers 200 only once Kafka has
 * acknowledged the record, so FreeSWITCH retries (or spools to disk) whatever we could not store.
 * Oversized bodies get 413, anything that is not a JSON object 400, a wrong password 401.
 * {@code ?source=} and {@code ?format=} override the configured defaults.
 */
public final class HttpIngest implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final RawProducer producer;
    private final String defaultSource;
    private final int maxBytes;
    private final String expectedAuth;

    public HttpIngest(int port, RawProducer producer, String defaultSource, int maxBytes, String credentials)
            throws IOException {
        this.producer = producer;
        this.defaultSource = defaultSource;
        this.maxBytes = maxBytes;
        this.expectedAuth = credentials == null || credentials.isBlank() ? null
                : "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.server = HttpServer.create(new InetSocketAddress(port), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!ex.getRequestMethod().equals("POST")) {
                reply(ex, 405, "POST a CDR");
                return;
            }
            if (expectedAuth != null && !expectedAuth.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"cdr-pipeline\"");
                reply(ex, 401, "credentials required");
                return;
            }
            Map<String, String> query = form(ex.getRequestURI().getRawQuery());
            String source = query.getOrDefault("source", defaultSource);
            CdrFormat format = CdrFormat.parse(query.getOrDefault("format", "freeswitch-json")).orElse(null);
            if (format == null || !source.matches("[A-Za-z0-9._-]{1,128}")) {
                reply(ex, 400, "bad source or format parameter");
                return;
            }
            byte[] body = read(ex.getRequestBody());
            if (body == null) {
                reply(ex, 413, "body exceeds " + maxBytes + " bytes");
                return;
            }
            byte[] doc = document(body, ex.getRequestHeaders().getFirst("Content-Type"));
            if (doc == null) {
                reply(ex, 400, "not a mod_json_cdr post: expected a JSON object or a form field cdr holding one");
                return;
            }
            producer.sendAndConfirm(doc, format, source, "http", 0).get(30, TimeUnit.SECONDS);
            reply(ex, 200, "stored");
        } catch (Exception e) {
            reply(ex, 503, "could not store the record; retry");
        }
    }

    /** The JSON document inside the body, or null when there is none. */
    private static byte[] document(byte[] body, String contentType) {
        byte[] candidate = body;
        if (contentType != null && contentType.toLowerCase().contains("x-www-form-urlencoded")) {
            String cdr = form(new String(body, StandardCharsets.US_ASCII)).get("cdr");
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

    private static byte[] base64(String s) {
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            try {
                String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                out.put(k, v);
            } catch (IllegalArgumentException e) {
                // a malformed pair is ignored; a missing cdr field is reported as such
            }
        }
        return out;
    }

    /** The body, or null when it is larger than allowed (read no further than one byte past the limit). */
    private byte[] read(InputStream in) throws IOException {
        byte[] data = in.readNBytes(maxBytes + 1);
        return data.length > maxBytes ? null : data;
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = (text + "\n").getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
