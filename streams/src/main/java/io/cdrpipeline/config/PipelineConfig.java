package io.cdrpipeline.config;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.ingest.SourceSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every setting of the pipeline with its default, read from a properties file. Unknown or
 * misspelled keys are errors, not silently ignored; so are bad values, with a message naming
 * the key. {@code kafka.*} keys are passed through to every Kafka client (security settings);
 * {@code source.<name>.*} describe one switch. docs/reference.md's configuration table lists them.
 */
public final class PipelineConfig {

    /** Key → default value ("" when there is none), from the settings' one definition ({@link Settings}). */
    private static final Map<String, String> DEFAULTS = Settings.defaults();
    private static final Set<String> SOURCE_KEYS = Set.of("format", "region", "zone", "extension.max.digits", "columns",
            "extension.digits", "extension.pattern", "extension.names", "pseudo.extensions", "international.prefixes",
            "trunk.prefix", "access.codes", "international.without.prefix");
    private static final String KEY_ENV = "CDR_PSEUDONYM_KEYS";

    private final Map<String, String> values;
    /** The settings parsed and checked against their definitions, once. */
    private final Map<String, Object> typed;
    private final Map<String, String> kafka;
    private final Map<String, SourceSettings> sources;
    private final Map<String, Map<String, String>> sourceProps;
    /** Settings for switches not configured by name; null unless default.region and default.zone are both set. */
    private final SourceSettings defaultSource;

    private PipelineConfig(Map<String, String> values, Map<String, String> kafka, Map<String, Map<String, String>> sources) {
        this.values = values;
        this.typed = Settings.parse(values);
        this.kafka = Map.copyOf(kafka);
        this.sourceProps = Map.copyOf(sources);
        boolean hasDefault = !get(Settings.DEFAULT_REGION).isBlank() && !get(Settings.DEFAULT_ZONE).isBlank();
        if (get(Settings.DEFAULT_REGION).isBlank() != get(Settings.DEFAULT_ZONE).isBlank()) {
            throw new ConfigException("default.region and default.zone go together: set both (a default source for "
                    + "switches not configured by name) or neither");
        }
        this.defaultSource = hasDefault ? source("default", Map.of(), "default.") : null;
        Map<String, SourceSettings> parsed = new HashMap<>();
        sources.forEach((name, props) -> parsed.put(name, source(name, props, "source." + name + ".")));
        this.sources = Map.copyOf(parsed);
    }

    public static PipelineConfig defaultsOnly() {
        return of(Map.of());
    }

    public static PipelineConfig of(Map<String, String> settings) {
        Map<String, String> values = new TreeMap<>(DEFAULTS);
        Map<String, String> kafka = new TreeMap<>();
        Map<String, Map<String, String>> sources = new TreeMap<>();
        settings.forEach((key, value) -> {
            String k = key.strip();
            String v = value.strip();
            if (k.startsWith("kafka.")) {
                KafkaClientKeys.check(k.substring("kafka.".length()));
                KafkaClientKeys.checkValue(k.substring("kafka.".length()), v);
                kafka.put(k.substring("kafka.".length()), v);
            } else if (k.startsWith("source.")) {
                int dot = k.indexOf('.', "source.".length());
                String sub = dot < 0 ? "" : k.substring(dot + 1);
                if (dot < 0 || !SOURCE_KEYS.contains(sub)) {
                    throw new ConfigException("unknown key '" + k + "': a source takes source.<name>."
                            + String.join("|", SOURCE_KEYS.stream().sorted().toList()));
                }
                sources.computeIfAbsent(k.substring("source.".length(), dot), n -> new HashMap<>()).put(sub, v);
            } else if (DEFAULTS.containsKey(k)) {
                values.put(k, v);
            } else if (Settings.REMOVED.containsKey(k)) {
                throw new ConfigException("key '" + k + "' was removed: " + Settings.REMOVED.get(k));
            } else {
                throw new ConfigException("unknown key '" + k + "'" + Settings.suggestion(k));
            }
        });
        return new PipelineConfig(values, kafka, sources);
    }

    public static PipelineConfig load(Path file) {
        return load(file, System.getenv());
    }

    /**
     * Reads a properties or YAML file (by its extension; a null file means defaults only), then
     * applies environment overrides: {@code CDR_BOOTSTRAP_SERVERS} for {@code bootstrap.servers},
     * {@code CDR_KAFKA_SASL_MECHANISM} for {@code kafka.sasl.mechanism}, and so on. An unknown
     * {@code CDR_} variable is an error like an unknown key.
     */
    public static PipelineConfig load(Path file, Map<String, String> env) {
        Map<String, String> m = new HashMap<>();
        String origin = file == null ? "environment" : file.toString();
        if (file != null) {
            m.putAll(ConfigFiles.read(file));
        }
        m.putAll(EnvironmentOverrides.from(env, DEFAULTS.keySet()));
        try {
            return of(m);
        } catch (ConfigException e) {
            throw new ConfigException(origin + ": " + e.getMessage());
        }
    }

    /** A copy with some settings replaced, as the demo and tests use. */
    public PipelineConfig with(Map<String, String> overrides) {
        Map<String, String> all = new HashMap<>(values);
        kafka.forEach((k, v) -> all.put("kafka." + k, v));
        sourceProps.forEach((name, props) -> props.forEach((k, v) -> all.put("source." + name + "." + k, v)));
        all.putAll(overrides);
        return of(all);
    }

    /** A setting's value, of its type (validated when the configuration was loaded). */
    public <T> T get(Setting<T> setting) {
        return setting.read(get(setting.key()));
    }

    String get(String key) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("no such setting " + key);
        }
        return values.get(key);
    }

    public String bootstrapServers() {
        String b = get(Settings.BOOTSTRAP_SERVERS);
        if (b.isBlank()) {
            throw new ConfigException("bootstrap.servers is not set");
        }
        return b;
    }

    /** The configured name of a catalogue topic. */
    public String topic(OwnedTopic t) {
        return values.get(t.setting());
    }

    /** Where Kafka Streams keeps state: {@code state.dir}, else a directory of this application and instance. */
    public String stateDir() {
        String dir = get(Settings.STATE_DIR);
        if (!dir.isBlank()) {
            return dir;
        }
        String instance = kafka.getOrDefault("group.instance.id", "default");
        return Path.of(System.getProperty("java.io.tmpdir"), "cdr-pipeline-state", applicationId(), instance)
                .toString();
    }

    public String applicationId() {
        return get(Settings.APPLICATION_ID);
    }

    Duration duration(String key) {
        return Durations.parse(get(key), key);
    }

    /** An INT setting, within the bounds of its definition. */
    int intValue(String key) {
        return (Integer) typed(key);
    }

    /** A BOOLEAN setting. */
    boolean flag(String key) {
        return (Boolean) typed(key);
    }

    private Object typed(String key) {
        if (!typed.containsKey(key)) {
            throw new IllegalArgumentException("no such setting " + key);
        }
        return typed.get(key);
    }

    /** Kafka client settings passed through ({@code kafka.security.protocol=SASL_SSL} …). */
    public Map<String, String> kafkaClientSettings() {
        return kafka;
    }

    /**
     * Settings of a source by name: its own, else the default source's (when default.region and
     * default.zone are set), else null — a record from an unknown switch is rejected, not read
     * with a guessed region and zone.
     */
    public Function<String, SourceSettings> sources() {
        return name -> {
            SourceSettings s = sources.get(name);
            if (s != null || defaultSource == null) {
                return s;
            }
            return new SourceSettings(name, defaultSource.defaultFormat(), defaultSource.zone(), defaultSource.plan(),
                    List.of());
        };
    }

    /** A source's settings, or a message naming the settings to add. */
    public SourceSettings requireSource(String name) {
        SourceSettings s = sources().apply(name);
        if (s == null) {
            throw new ConfigException("source '" + name + "' is not configured: add source." + name + ".region (e.g. DE) and source."
                    + name + ".zone (e.g. Europe/Berlin), or default.region and default.zone for every unnamed switch");
        }
        return s;
    }

    public Map<String, SourceSettings> configuredSources() {
        return sources;
    }

    /** Effective settings, for {@code config --print}-style output; kafka.* values that look secret are masked. */
    public Map<String, String> effective() {
        Map<String, String> all = new TreeMap<>(values);
        for (String k : List.of("ingest.http.credentials", "ingest.http.tls.keystore.password",
                "ingest.http.tls.truststore.password")) {
            if (!all.getOrDefault(k, "").isEmpty()) {
                all.put(k, "******");
            }
        }
        kafka.forEach((k, v) -> all.put("kafka." + k, KafkaClientKeys.secret(k) ? "******" : v));
        sourceProps.forEach((name, props) -> props.forEach((k, v) -> all.put("source." + name + "." + k, v)));
        return all;
    }

    private SourceSettings source(String name, Map<String, String> p, String prefix) {
        boolean isDefault = prefix.equals("default.");
        Function<String, String> fallback = isDefault ? k -> values.get("default." + k)
                : defaultSource != null ? this::inherited : k -> null;
        return SourceConfigs.parse(name, p, prefix, fallback);
    }

    private String inherited(String key) {
        return key.equals("region") ? defaultSource.region() : key.equals("zone") ? defaultSource.zone().getId()
                : key.equals("format") ? (defaultSource.defaultFormat() == null ? null : defaultSource.defaultFormat().id())
                : key.equals("extension.max.digits") ? get(Settings.DEFAULT_EXTENSION_MAX_DIGITS) : null;
    }

    /** Name of the environment variable that may hold the key ring text instead of a key file. */
    public static String keyEnvironmentVariable() {
        return KEY_ENV;
    }
}
