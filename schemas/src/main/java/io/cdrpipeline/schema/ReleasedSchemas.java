package io.cdrpipeline.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.SchemaStore;
import java.util.LinkedHashMap;

/**
 * Every released version of every topic contract, loaded from {@code released/} on the class
 * path. Decoders resolve single-object-encoded records by fingerprint against this store, so a
 * consumer reads records written by any released version without a schema registry. A schema
 * that has been released is never edited; a change is released as a new file next to it.
 */
public final class ReleasedSchemas {

    /** Contract name to its released versions, oldest first; the index lists them in order. */
    private static final Map<String, List<Schema>> RELEASED = load();
    private static final Map<Long, String> CONTRACT_BY_FINGERPRINT = fingerprints();

    private ReleasedSchemas() {
    }

    public static List<Schema> versionsOf(String contract) {
        List<Schema> versions = RELEASED.get(contract);
        if (versions == null) {
            throw new IllegalArgumentException("no released versions of contract " + contract);
        }
        return versions;
    }

    public static Map<String, List<Schema>> all() {
        return RELEASED;
    }

    /**
     * The contract a single-object-encoded value was written with ({@code C3 01}, then the writer
     * schema's fingerprint), found among the released versions; empty when no released version has
     * that fingerprint. Throws {@link IllegalArgumentException} for bytes that are not single-object
     * encoded. For readers that do not know the contract in advance (the Connect converter); a
     * reader that does lets Avro's {@code BinaryMessageDecoder} resolve the writer.
     */
    public static Optional<String> contractOf(byte[] value) {
        if (value.length < 10 || value[0] != (byte) 0xC3 || value[1] != (byte) 0x01) {
            throw new IllegalArgumentException("not Avro single-object encoded (no C3 01 header)");
        }
        return Optional.ofNullable(CONTRACT_BY_FINGERPRINT.get(ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()));
    }

    /** The fingerprint of a single-object-encoded value's writer schema, in hex (for messages). */
    public static String fingerprintOf(byte[] value) {
        return Long.toHexString(ByteBuffer.wrap(value, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
    }

    /** A fresh store holding every released version of every contract. */
    public static SchemaStore.Cache store() {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        RELEASED.values().forEach(versions -> versions.forEach(cache::addSchema));
        return cache;
    }

    private static Map<Long, String> fingerprints() {
        Map<Long, String> m = new HashMap<>();
        RELEASED.forEach((contract, versions) ->
                versions.forEach(v -> m.put(SchemaNormalization.parsingFingerprint64(v), contract)));
        return Map.copyOf(m);
    }

    private static Map<String, List<Schema>> load() {
        String index = read("released/index.txt");
        List<String> files = index.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        return files.stream().collect(Collectors.groupingBy(
                f -> f.substring(0, f.indexOf('/')),
                LinkedHashMap::new,
                Collectors.mapping(f -> new Schema.Parser().parse(read("released/" + f)),
                        Collectors.toCollection(ArrayList::new))));
    }

    private static String read(String resource) {
        try (InputStream in = ReleasedSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing schema resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
