package io.cdrpipeline.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
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

    /** A fresh store holding every released version of every contract. */
    public static SchemaStore.Cache store() {
        SchemaStore.Cache cache = new SchemaStore.Cache();
        RELEASED.values().forEach(versions -> versions.forEach(cache::addSchema));
        return cache;
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
