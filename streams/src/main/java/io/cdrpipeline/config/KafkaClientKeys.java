package io.cdrpipeline.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import java.lang.reflect.Field;

/**
 * The {@code kafka.*} pass-through keys, checked against what Kafka's own clients define
 * (producer, consumer, admin, Streams — with Streams' {@code producer.}, {@code consumer.},
 * {@code main.consumer.}, {@code restore.consumer.}, {@code global.consumer.}, {@code admin.} and
 * {@code topic.} prefixes): a typo such as {@code security.protocl} is refused with the nearest
 * valid name instead of being ignored. Secrets are recognised by Kafka's own {@code PASSWORD}
 * type, and by name for anything that looks secret.
 */
final class KafkaClientKeys {

    private static final Map<String, ConfigDef.Type> CLIENT = clientKeys();
    private static final List<ConfigDef> DEFS = List.of(ProducerConfig.configDef(), ConsumerConfig.configDef(),
            AdminClientConfig.configDef(), StreamsConfig.configDef());
    private static final Set<String> TOPIC = topicKeys();
    private static final String[] CLIENT_PREFIXES = {"main.consumer.", "restore.consumer.", "global.consumer.",
            "consumer.", "producer.", "admin."};

    private KafkaClientKeys() {
    }

    /** Throws when {@code name} (without {@code kafka.}) is not a Kafka client setting. */
    static void check(String name) {
        if (name.equals("bootstrap.servers")) {
            throw new ConfigException("kafka.bootstrap.servers: set bootstrap.servers (or --bootstrap-server) instead");
        }
        if (name.equals("application.id")) {
            throw new ConfigException("kafka.application.id: set application.id instead");
        }
        String bare = bare(name);
        if (name.startsWith("topic.") ? TOPIC.contains(bare) : CLIENT.containsKey(bare)) {
            return;
        }
        String prefix = name.substring(0, name.length() - bare.length());
        String nearest = NearestName.of(bare, name.startsWith("topic.") ? TOPIC : CLIENT.keySet());
        throw new ConfigException("unknown Kafka client setting 'kafka." + name + "'"
                + (nearest == null ? "" : "; did you mean 'kafka." + prefix + nearest + "'?"));
    }

    /**
     * Throws when {@code value} is no valid value of the client setting {@code name} (without
     * {@code kafka.}): its type, range or allowed values as Kafka's own ConfigDefs define them —
     * {@code linger.ms=soon}, {@code security.protocol=SASL_SSLL} — so that it stops the load, not a
     * client minutes later with a message about the cluster. The value is not echoed (it may be secret).
     */
    static void checkValue(String name, String value) {
        if (name.startsWith("topic.")) {
            return;   // topic configs are checked by the broker when `topics --apply` writes them
        }
        String bare = bare(name);
        for (ConfigDef def : DEFS) {
            ConfigDef.ConfigKey key = def.configKeys().get(bare);
            if (key == null) {
                continue;
            }
            try {
                Object parsed = ConfigDef.parseType(bare, value, key.type);
                if (key.validator != null) {
                    key.validator.ensureValid(bare, parsed);
                }
            } catch (org.apache.kafka.common.config.ConfigException e) {
                throw new ConfigException("kafka." + name + ": not a valid value (expected " + expected(key) + ")");
            }
        }
    }

    private static String expected(ConfigDef.ConfigKey key) {
        String what = switch (key.type) {
            case INT, SHORT -> "an integer";
            case LONG -> "a whole number";
            case DOUBLE -> "a number";
            case BOOLEAN -> "true or false";
            case LIST -> "a comma-separated list";
            case CLASS -> "a class name";
            default -> "a string";
        };
        return key.validator == null ? what : what + ", " + key.validator;
    }

    /** True for a setting whose value must never be printed. */
    static boolean secret(String name) {
        ConfigDef.Type type = CLIENT.get(bare(name));
        return type == ConfigDef.Type.PASSWORD
                || name.matches("(?i).*(password|secret|jaas|jass|credential|token|key(?!\\.(serializer|deserializer))).*");
    }

    private static String bare(String name) {
        if (name.startsWith("topic.")) {
            return name.substring("topic.".length());
        }
        for (String p : CLIENT_PREFIXES) {
            if (name.startsWith(p)) {
                return name.substring(p.length());
            }
        }
        return name;
    }

    private static Map<String, ConfigDef.Type> clientKeys() {
        Map<String, ConfigDef.Type> m = new HashMap<>();
        for (ConfigDef def : new ConfigDef[] {ProducerConfig.configDef(), ConsumerConfig.configDef(),
                AdminClientConfig.configDef(), StreamsConfig.configDef()}) {
            def.configKeys().forEach((k, v) -> m.put(k, v.type));
        }
        return Map.copyOf(m);
    }

    private static Set<String> topicKeys() {
        Set<String> names = new TreeSet<>();
        for (Field f : TopicConfig.class.getFields()) {
            if (f.getName().endsWith("_CONFIG") && f.getType() == String.class) {
                try {
                    names.add((String) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return names;
    }
}
