package io.cdrpipeline.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** A config file as flat dotted keys: properties as they are, YAML ({@code .yaml}/{@code .yml}) flattened. */
final class ConfigFiles {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigFiles() {
    }

    static Map<String, String> read(Path file) {
        String name = file.getFileName().toString().toLowerCase();
        try {
            if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                Map<String, String> out = new HashMap<>();
                flatten("", YAML.readTree(Files.readString(file)), out, file);
                return out;
            }
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            Map<String, String> out = new HashMap<>();
            p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
            return out;
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist");
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML (line " + e.getLocation().getLineNr() + ")");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
                    e.getValue(), out, file));
        } else if (node.isArray()) {
            StringBuilder sb = new StringBuilder();
            node.forEach(v -> sb.append(sb.length() == 0 ? "" : ",").append(v.asText()));
            out.put(prefix, sb.toString());
        } else if (prefix.isEmpty()) {
            throw new ConfigException(file + ": a config file must be a mapping of keys");
        } else {
            out.put(prefix, node.asText());
        }
    }
}
