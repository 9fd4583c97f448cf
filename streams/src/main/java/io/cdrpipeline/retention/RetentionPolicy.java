package io.cdrpipeline.retention;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.PipelineConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.Durations;
import io.cdrpipeline.schema.DataClass;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * How long each purpose may keep traffic data, measured from the call's end: a window per data
 * class, billing overrides per jurisdiction or source, the sweep cadence, and the longest time
 * allowed from a window closing to the bytes being gone. Defaults follow
 * {@code shared/reference/retention-law.md}: raw 24 h, billing 6 months (180 d), analytics 90 d,
 * rejected 7 d. Loaded from YAML; every unknown key or bad value is an error naming its path.
 * <pre>
 * version: 2
 * sweep-interval: 1m
 * sweep-max-records: 10000
 * max-erasure-delay: 14d
 * windows: {raw: 24h, billing: 180d, analytics: 90d, rejected: 7d, audit: 400d, kpi: 400d}
 * billing-overrides:
 *   jurisdictions: {FR: 365d}
 *   sources: {pbx-paris: FR, pbx-test: 7d}
 * </pre>
 */
public final class RetentionPolicy {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> TOP = Set.of("version", "sweep-interval", "sweep-max-records", "max-erasure-delay",
            "windows", "billing-overrides");

    private final int version;
    private final Duration sweepInterval;
    private final int sweepMaxRecords;
    private final Duration maxErasureDelay;
    private final Map<DataClass, Duration> windows;
    private final Map<String, Duration> billingBySource;

    public RetentionPolicy(int version, Duration sweepInterval, int sweepMaxRecords, Duration maxErasureDelay,
            Map<DataClass, Duration> windows, Map<String, Duration> billingBySource) {
        this.version = version;
        this.sweepInterval = sweepInterval;
        this.sweepMaxRecords = sweepMaxRecords;
        this.maxErasureDelay = maxErasureDelay;
        this.windows = Map.copyOf(windows);
        this.billingBySource = Map.copyOf(billingBySource);
    }

    public static RetentionPolicy defaults() {
        return parse("version: 1", "defaults");
    }

    /** The policy a configuration names ({@code retention.policy.file}), or the defaults when it names none. */
    public static RetentionPolicy of(PipelineConfig config) {
        String file = config.get(Settings.RETENTION_POLICY_FILE);
        return file.isBlank() ? defaults() : load(Path.of(file));
    }

    public static RetentionPolicy load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new ConfigException("retention policy " + file + " does not exist");
        } catch (IOException e) {
            throw new ConfigException("cannot read retention policy " + file + ": " + e.getMessage());
        }
    }

    public static RetentionPolicy parse(String yaml, String origin) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(origin + ": not valid YAML (line " + e.getLocation().getLineNr() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(origin + ": the policy must be a YAML mapping");
        }
        checkKeys(root, TOP, origin, "");
        if (!root.has("version") || !root.get("version").canConvertToInt() || root.get("version").asInt() < 1) {
            throw new ConfigException(origin + ": version must be a positive whole number");
        }
        Map<DataClass, Duration> windows = new EnumMap<>(DataClass.class);
        windows.put(DataClass.RAW, Duration.ofHours(24));
        windows.put(DataClass.BILLING, Duration.ofDays(180));
        windows.put(DataClass.ANALYTICS, Duration.ofDays(90));
        windows.put(DataClass.REJECTED, Duration.ofDays(7));
        windows.put(DataClass.AUDIT, Duration.ofDays(400));
        // Anonymous figures: kept for year-on-year comparison (no personal data, so no erasure applies).
        windows.put(DataClass.KPI, Duration.ofDays(400));
        // Signed checkpoints of the receipts: they prove what the receipts said after the receipts aged out.
        windows.put(DataClass.CHECKPOINT, Duration.ofDays(3650));
        JsonNode w = root.path("windows");
        if (!w.isMissingNode()) {
            checkKeys(w, Set.of("raw", "billing", "analytics", "rejected", "audit", "kpi", "checkpoints"), origin, "windows.");
            w.fieldNames().forEachRemaining(k -> windows.put(k.equals("checkpoints") ? DataClass.CHECKPOINT
                    : DataClass.valueOf(k.toUpperCase()), duration(w.get(k), origin, "windows." + k)));
            if (windows.get(DataClass.CHECKPOINT).compareTo(windows.get(DataClass.AUDIT)) < 0) {
                throw new ConfigException(origin + ": windows.checkpoints (" + Durations.format(windows.get(DataClass.CHECKPOINT))
                        + ") must be at least windows.audit (" + Durations.format(windows.get(DataClass.AUDIT))
                        + "): the checkpoints prove what the receipts said after they are gone");
            }
        }
        Map<String, Duration> bySource = billingOverrides(root.path("billing-overrides"), origin);
        int maxRecords = root.has("sweep-max-records") ? root.get("sweep-max-records").asInt(-1) : 10_000;
        if (maxRecords < 1) {
            throw new ConfigException(origin + ": sweep-max-records must be a positive whole number");
        }
        return new RetentionPolicy(root.get("version").asInt(),
                root.has("sweep-interval") ? duration(root.get("sweep-interval"), origin, "sweep-interval") : Duration.ofMinutes(1),
                maxRecords,
                root.has("max-erasure-delay") ? duration(root.get("max-erasure-delay"), origin, "max-erasure-delay")
                        : Duration.ofDays(14),
                windows, bySource);
    }

    private static Map<String, Duration> billingOverrides(JsonNode node, String origin) {
        Map<String, Duration> bySource = new HashMap<>();
        if (node.isMissingNode()) {
            return bySource;
        }
        checkKeys(node, Set.of("jurisdictions", "sources"), origin, "billing-overrides.");
        Map<String, Duration> jurisdictions = new HashMap<>();
        node.path("jurisdictions").fields().forEachRemaining(e -> jurisdictions.put(e.getKey(),
                duration(e.getValue(), origin, "billing-overrides.jurisdictions." + e.getKey())));
        node.path("sources").fields().forEachRemaining(e -> {
            String v = e.getValue().asText();
            bySource.put(e.getKey(), jurisdictions.containsKey(v) ? jurisdictions.get(v)
                    : duration(e.getValue(), origin, "billing-overrides.sources." + e.getKey()
                            + " (neither a jurisdiction listed under billing-overrides.jurisdictions nor a duration)"));
        });
        return bySource;
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String origin, String path) {
        if (!node.isObject()) {
            throw new ConfigException(origin + ": " + (path.isEmpty() ? "policy" : path.substring(0, path.length() - 1))
                    + " must be a mapping");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) {
                throw new ConfigException(origin + ": unknown key '" + path + k + "' (allowed: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private static Duration duration(JsonNode node, String origin, String key) {
        if (!node.isTextual() && !node.isNumber()) {
            throw new ConfigException(origin + ": " + key + " must be a duration such as 90d");
        }
        try {
            Duration d = Durations.parse(node.asText(), key);
            if (d.isNegative() || d.isZero()) {
                throw new ConfigException(key + " must be positive");
            }
            return d;
        } catch (ConfigException e) {
            throw new ConfigException(origin + ": " + e.getMessage());
        }
    }

    public int version() {
        return version;
    }

    public Duration sweepInterval() {
        return sweepInterval;
    }

    public int sweepMaxRecords() {
        return sweepMaxRecords;
    }

    public Duration maxErasureDelay() {
        return maxErasureDelay;
    }

    public Duration window(DataClass dataClass) {
        return windows.get(dataClass);
    }

    /** The billing window of a source: its override (own or its jurisdiction's), else the default. */
    public Duration billingWindow(String source) {
        return billingBySource.getOrDefault(source, windows.get(DataClass.BILLING));
    }

    /** The longest billing window any source may have. */
    public Duration longestBillingWindow() {
        return billingBySource.values().stream().reduce(windows.get(DataClass.BILLING),
                (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }

    /**
     * The step of physical deletion: a fifth of what the erasure budget leaves after one sweep
     * interval, at least one second. The worst case of a compacted topic adds five such delays
     * (segment roll, compaction lag, tombstone retention, file deletion delay, and the cleaner's
     * own back-off and commit, which are small); the local stores purge what they deleted once
     * per step.
     */
    public Duration purgeStep() {
        long budget = maxErasureDelay().toMillis() - sweepInterval().toMillis();
        return Duration.ofMillis(Math.max(1_000, budget / 5));
    }
}
