package io.cdrpipeline.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Settings from the environment, as containers pass them: {@code CDR_} + the key in upper case
 * with dots and dashes as underscores ({@code CDR_STARTUP_TIMEOUT}); {@code CDR_KAFKA_*} for the
 * Kafka client settings ({@code CDR_KAFKA_SECURITY_PROTOCOL}). Sources are configured in the file.
 * A {@code CDR_} variable that names no setting is an error, so a typo never passes silently.
 */
final class EnvironmentOverrides {

    /** Our environment variables that are not settings. */
    private static final Set<String> NOT_SETTINGS = Set.of("CDR_PSEUDONYM_KEYS", "CDR_MASTER_KEY", "CDR_LOG_LEVEL", "CDR_LOG_FORMAT");

    private EnvironmentOverrides() {
    }

    static Map<String, String> from(Map<String, String> env, Set<String> keys) {
        Map<String, String> byVariable = new HashMap<>();
        keys.forEach(k -> byVariable.put(variable(k), k));
        Map<String, String> out = new HashMap<>();
        env.forEach((name, value) -> {
            if (!name.startsWith("CDR_") || NOT_SETTINGS.contains(name)) {
                return;
            }
            if (byVariable.containsKey(name)) {
                out.put(byVariable.get(name), value);
            } else if (name.startsWith("CDR_KAFKA_") && name.length() > "CDR_KAFKA_".length()) {
                out.put("kafka." + name.substring("CDR_KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            } else {
                String nearest = NearestName.of(name, byVariable.keySet());
                throw new ConfigException("environment variable " + name + " names no setting"
                        + (nearest == null ? "" : "; did you mean " + nearest + "?")
                        + " (settings are CDR_ + the key in upper case with _ for . and -, e.g. CDR_BOOTSTRAP_SERVERS)");
            }
        });
        return out;
    }

    static String variable(String key) {
        return "CDR_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }
}
