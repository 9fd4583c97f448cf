package io.cdrpipeline.config;

import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.ingest.SourceSettings;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every setting of the pipeline with its default, read from a properties file. Unknown or
 * misspelled keys are errors, not silently ignored; so are bad values, with a message naming
 * the key. {@code kafka.*} keys are passed through to every Kafka client (security settings);
 * {@code source.<name>.*} describe one switch. The README's configuration reference lists them.
 */
public final class PipelineConfig {

    /** Key → default value ("" when there is none). The single place where defaults live. */
    public static final Map<String, String> DEFAULTS = defaults();
    /** Keys earlier builds took, with what replaced them. */
    private static final Map<String, String> REMOVED = Map.of("dedupe.window",
            "a resend is now dropped for as long as its CDR is retained (the expiry index is the dedupe store); "
                    + "delete the key");

    private static final Set<String> SOURCE_KEYS = Set.of("format", "region", "zone", "extension.max.digits", "columns");
    private static final String KEY_ENV = "CDR_PSEUDONYM_KEYS";

    private final Map<String, String> values;
    private final Map<String, String> kafka;
    private final Map<String, SourceSettings> sources;
    private final SourceSettings defaultSource;

    private PipelineConfig(Map<String, String> values, Map<String, String> kafka, Map<String, Map<String, String>> sources) {
        this.values = values;
        this.kafka = Map.copyOf(kafka);
        this.defaultSource = new SourceSettings("unknown", format(values.get("default.format"), "default.format"),
                region(values.get("default.region"), "default.region"), zone(values.get("default.zone"), "default.zone"),
                intValue("default.extension.max.digits", 0, 15), List.of());
        Map<String, SourceSettings> parsed = new HashMap<>();
        sources.forEach((name, props) -> parsed.put(name, source(name, props)));
        this.sources = Map.copyOf(parsed);
        validate();
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
            } else if (REMOVED.containsKey(k)) {
                throw new ConfigException("key '" + k + "' was removed: " + REMOVED.get(k));
            } else {
                throw new ConfigException("unknown key '" + k + "'" + suggestion(k));
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
        sources.forEach((name, s) -> all.putAll(sourceSettingsAsKeys(s)));
        all.putAll(overrides);
        return of(all);
    }

    public String get(String key) {
        if (!DEFAULTS.containsKey(key)) {
            throw new IllegalArgumentException("no such setting " + key);
        }
        return values.get(key);
    }

    public String bootstrapServers() {
        String b = values.get("bootstrap.servers");
        if (b.isBlank()) {
            throw new ConfigException("bootstrap.servers is not set");
        }
        return b;
    }

    public String applicationId() {
        return values.get("application.id");
    }

    public Duration duration(String key) {
        return Durations.parse(get(key), key);
    }

    public int intValue(String key, int min, int max) {
        String v = get(key);
        try {
            int n = Integer.parseInt(v);
            if (n < min || n > max) {
                throw new ConfigException(key + ": " + n + " is outside " + min + ".." + max);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + v + "' is not a whole number");
        }
    }

    public boolean flag(String key) {
        String v = get(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new ConfigException(key + ": '" + get(key) + "' must be true or false");
        }
        return v.equals("true");
    }

    /** Kafka client settings passed through ({@code kafka.security.protocol=SASL_SSL} …). */
    public Map<String, String> kafkaClientSettings() {
        return kafka;
    }

    /** Settings of a source by name; an unconfigured source gets the defaults. */
    public Function<String, SourceSettings> sources() {
        return name -> {
            SourceSettings s = sources.get(name);
            return s != null ? s : new SourceSettings(name, defaultSource.defaultFormat(), defaultSource.region(),
                    defaultSource.zone(), defaultSource.extensionMaxDigits(), List.of());
        };
    }

    public Map<String, SourceSettings> configuredSources() {
        return sources;
    }

    /** Effective settings, for {@code config --print}-style output; kafka.* values that look secret are masked. */
    public Map<String, String> effective() {
        Map<String, String> all = new TreeMap<>(values);
        if (!all.getOrDefault("ingest.http.credentials", "").isEmpty()) {
            all.put("ingest.http.credentials", "******");
        }
        kafka.forEach((k, v) -> all.put("kafka." + k, k.matches(".*(password|secret|jaas|key|credentials).*") ? "******" : v));
        sources.values().forEach(s -> all.putAll(sourceSettingsAsKeys(s)));
        return all;
    }

    private void validate() {
        intValue("topic.partitions", 1, 10_000);
        intValue("topic.replication.factor", -1, 32);
        intValue("num.stream.threads", 1, 256);
        intValue("ingest.max.payload.bytes", 1024, 16 * 1024 * 1024);
        intValue("numbers.cache.size", 0, 100_000_000);
        intValue("ops.port", -1, 65_535);
        intValue("ingest.http.port", 0, 65_535);
        flag("dedupe.repartition");
        for (String t : List.of("topic.raw", "topic.billing", "topic.analytics", "topic.rejected", "topic.audit",
                "topic.erasure-requests", "topic.legal-holds", "topic.pseudonym-keys")) {
            if (!get(t).matches("[A-Za-z0-9._-]{1,249}")) {
                throw new ConfigException(t + ": '" + get(t) + "' is not a valid topic name");
            }
        }
        if (!applicationId().matches("[A-Za-z0-9._-]{1,200}")) {
            throw new ConfigException("application.id: '" + applicationId() + "' is not valid");
        }
    }

    private SourceSettings source(String name, Map<String, String> p) {
        if (!name.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new ConfigException("source name '" + name + "' must be 1-128 of [A-Za-z0-9._-]");
        }
        String prefix = "source." + name + ".";
        int ext = defaultSource.extensionMaxDigits();
        if (p.containsKey("extension.max.digits")) {
            try {
                ext = Integer.parseInt(p.get("extension.max.digits"));
            } catch (NumberFormatException e) {
                throw new ConfigException(prefix + "extension.max.digits: '" + p.get("extension.max.digits") + "' is not a whole number");
            }
        }
        List<String> columns = p.containsKey("columns")
                ? Arrays.stream(p.get("columns").split(",")).map(String::strip).filter(c -> !c.isEmpty()).toList()
                : List.of();
        return new SourceSettings(name,
                p.containsKey("format") ? format(p.get("format"), prefix + "format") : defaultSource.defaultFormat(),
                p.containsKey("region") ? region(p.get("region"), prefix + "region") : defaultSource.region(),
                p.containsKey("zone") ? zone(p.get("zone"), prefix + "zone") : defaultSource.zone(),
                ext, columns);
    }

    private static Map<String, String> sourceSettingsAsKeys(SourceSettings s) {
        String prefix = "source." + s.name() + ".";
        Map<String, String> m = new TreeMap<>();
        if (s.defaultFormat() != null) {
            m.put(prefix + "format", s.defaultFormat().id());
        }
        m.put(prefix + "region", s.region());
        m.put(prefix + "zone", s.zone().getId());
        m.put(prefix + "extension.max.digits", Integer.toString(s.extensionMaxDigits()));
        if (!s.columns().isEmpty()) {
            m.put(prefix + "columns", String.join(",", s.columns()));
        }
        return m;
    }

    private static CdrFormat format(String v, String key) {
        if (v == null || v.isBlank()) {
            return null;
        }
        return CdrFormat.parse(v).orElseThrow(() ->
                new ConfigException(key + ": unknown format '" + v + "'; known: " + CdrFormat.names()));
    }

    private static String region(String v, String key) {
        String r = v.strip().toUpperCase(Locale.ROOT);
        if (!r.equals("ZZ") && !com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance().getSupportedRegions().contains(r)) {
            throw new ConfigException(key + ": '" + v + "' is not a region libphonenumber knows (ISO 3166 alpha-2, or ZZ)");
        }
        return r;
    }

    private static ZoneId zone(String v, String key) {
        try {
            return ZoneId.of(v.strip());
        } catch (DateTimeException e) {
            throw new ConfigException(key + ": '" + v + "' is not a time zone (use e.g. UTC or Europe/Berlin)");
        }
    }

    private static String suggestion(String key) {
        return DEFAULTS.keySet().stream()
                .filter(k -> distance(k, key) <= 3)
                .findFirst().map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] cur = new int[b.length() + 1];
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1),
                        prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            }
            prev = cur;
        }
        return prev[b.length()];
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new TreeMap<>();
        d.put("bootstrap.servers", "");
        d.put("application.id", "cdr-pipeline");
        d.put("num.stream.threads", "1");
        d.put("state.dir", Path.of(System.getProperty("java.io.tmpdir"), "cdr-pipeline-state").toString());
        d.put("topic.raw", "cdr.raw");
        d.put("topic.billing", "cdr.billing");
        d.put("topic.analytics", "cdr.analytics");
        d.put("topic.rejected", "cdr.rejected");
        d.put("topic.audit", "cdr.audit");
        d.put("topic.erasure-requests", "cdr.erasure-requests");
        d.put("topic.legal-holds", "cdr.legal-holds");
        d.put("topic.pseudonym-keys", "cdr.pseudonym-keys");
        d.put("retention.policy.file", "");
        d.put("topic.partitions", "4");
        d.put("topic.replication.factor", "-1");
        d.put("dedupe.repartition", "false");
        d.put("ingest.max.payload.bytes", "262144");
        d.put("numbers.cache.size", "200000");
        d.put("default.format", "");
        d.put("default.region", "ZZ");
        d.put("default.zone", "UTC");
        d.put("default.extension.max.digits", Integer.toString(SourceSettings.DEFAULT_EXTENSION_MAX_DIGITS));
        d.put("pseudonym.key.file", "");
        d.put("ops.port", "8080");
        d.put("ingest.http.port", "8081");
        d.put("ingest.http.source", "freeswitch");
        d.put("ingest.http.credentials", "");
        return Map.copyOf(d);
    }

    /** Name of the environment variable that may hold the key ring text instead of a key file. */
    public static String keyEnvironmentVariable() {
        return KEY_ENV;
    }
}
