package io.cdrpipeline.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strict reading of Kubernetes resources into the API's model classes (fabric8's for Kubernetes and
 * the Prometheus Operator, Strimzi's own for Strimzi): a wrong type fails in Jackson, and a field the
 * API does not define — which the models keep in {@code additionalProperties} instead of failing —
 * fails here, with its path. What {@code kubectl apply --validate=strict} would refuse.
 */
public final class StrictModels {

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS);

    private StrictModels() {
    }

    /** The documents of a YAML stream (empty documents left out). */
    public static List<JsonNode> documents(String yaml) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode n = (JsonNode) it.next();
                if (n != null && !n.isNull() && !n.isEmpty()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** {@code node} as {@code type}, refusing any field the model does not define. */
    public static <T> T read(JsonNode node, Class<T> type) throws Exception {
        T value = YAML.treeToValue(node, type);
        List<String> unknown = new ArrayList<>();
        walk(value, node.path("kind").asText(type.getSimpleName()), unknown, new IdentityHashMap<>());
        if (!unknown.isEmpty()) {
            throw new AssertionError("fields the API does not define: " + unknown);
        }
        return value;
    }

    private static void walk(Object o, String path, List<String> unknown, Map<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Collection<?> c) {
            int i = 0;
            for (Object e : c) {
                walk(e, path + "[" + i++ + "]", unknown, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (var e : m.entrySet()) {
                walk(e.getValue(), path + "." + e.getKey(), unknown, seen);
            }
            return;
        }
        String pkg = o.getClass().getPackageName();
        if (!pkg.startsWith("io.fabric8") && !pkg.startsWith("io.strimzi")) {
            return;
        }
        for (Method getter : o.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = getter.getName();
            if (name.equals("getAdditionalProperties")) {
                Object extra = getter.invoke(o);
                if (extra instanceof Map<?, ?> m && !m.isEmpty()) {
                    m.keySet().forEach(k -> unknown.add(path + "." + k));
                }
            } else if (name.startsWith("get") && name.length() > 3 && !name.equals("getClass")) {
                Class<?> t = getter.getReturnType();
                if (Collection.class.isAssignableFrom(t) || Map.class.isAssignableFrom(t)
                        || t.getPackageName().startsWith("io.fabric8") || t.getPackageName().startsWith("io.strimzi")) {
                    walk(getter.invoke(o), path + "." + Character.toLowerCase(name.charAt(3)) + name.substring(4), unknown, seen);
                }
            }
        }
    }
}
