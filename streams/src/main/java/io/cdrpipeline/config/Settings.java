package io.cdrpipeline.config;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.ingest.DialPlan;
import io.cdrpipeline.ingest.TemplateColumns;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.types.Password;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import java.util.Locale;

/**
 * The one definition of every setting: type, default, bounds and documentation, as Kafka's own
 * {@link ConfigDef}. {@link PipelineConfig} parses with it (once, at load); docs/reference.md's
 * configuration reference is rendered from it ({@link #markdownTable}, checked by a test).
 * Durations are text checked by {@link Durations}; topic names come from the catalogue.
 */
public final class Settings {

    /** Required, but with no default a deployment could share: empty means "not set". */
    private static final String NONE = "";
    private static final ConfigDef.Validator DURATION = new ConfigDef.Validator() {
        @Override
        public void ensureValid(String name, Object value) {
            Durations.parse((String) value, name);
        }

        @Override
        public String toString() {
            return "a duration";
        }
    };
    private static final ConfigDef.Validator NAME = (name, value) -> {
        if (!((String) value).matches("[A-Za-z0-9._-]{1,200}")) {
            throw new ConfigException(name + ": '" + value + "' is not valid (1-200 of A-Z a-z 0-9 . _ -)");
        }
    };
    private static final ConfigDef.Validator TOPIC = (name, value) -> {
        if (!((String) value).matches("[A-Za-z0-9._-]{1,249}")) {
            throw new ConfigException(name + ": '" + value + "' is not a valid topic name");
        }
    };

    // Every setting by key and type (read with PipelineConfig.get(Setting)); defined below.
    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.text("bootstrap.servers");
    public static final Setting<String> APPLICATION_ID = Setting.text("application.id");
    public static final Setting<Integer> NUM_STREAM_THREADS = Setting.number("num.stream.threads");
    public static final Setting<String> STATE_DIR = Setting.text("state.dir");
    public static final Setting<Integer> TOPIC_PARTITIONS = Setting.number("topic.partitions");
    public static final Setting<Integer> TOPIC_REPLICATION_FACTOR = Setting.number("topic.replication.factor");
    public static final Setting<String> RETENTION_POLICY_FILE = Setting.text("retention.policy.file");
    public static final Setting<Integer> INGEST_MAX_PAYLOAD_BYTES = Setting.number("ingest.max.payload.bytes");
    public static final Setting<Integer> NUMBERS_CACHE_SIZE = Setting.number("numbers.cache.size");
    public static final Setting<Integer> KPI_K = Setting.number("kpi.k");
    public static final Setting<String> AUDIT_SIGNING_KEY_FILE = Setting.text("audit.signing.key.file");
    public static final Setting<Duration> AUDIT_CHECKPOINT_INTERVAL = Setting.duration("audit.checkpoint.interval");
    public static final Setting<Duration> KPI_GRACE = Setting.duration("kpi.grace");
    public static final Setting<Duration> KPI_LINGER = Setting.duration("kpi.linger");
    public static final Setting<String> DEFAULT_FORMAT = Setting.text("default.format");
    public static final Setting<String> DEFAULT_REGION = Setting.text("default.region");
    public static final Setting<String> DEFAULT_ZONE = Setting.text("default.zone");
    public static final Setting<String> DEFAULT_EXTENSION_MAX_DIGITS = Setting.text("default.extension.max.digits");
    public static final Setting<String> PSEUDONYM_MASTER_KEY_FILE = Setting.text("pseudonym.master.key.file");
    public static final Setting<String> PSEUDONYM_KEY_FILE = Setting.text("pseudonym.key.file");
    public static final Setting<String> PSEUDONYM_KEY_MODE = Setting.text("pseudonym.key.mode");
    public static final Setting<Duration> STARTUP_TIMEOUT = Setting.duration("startup.timeout");
    public static final Setting<Duration> CLOSE_TIMEOUT = Setting.duration("close.timeout");
    public static final Setting<Boolean> STATE_TRANSACTIONAL = Setting.flag("state.transactional");
    public static final Setting<Integer> OPS_PORT = Setting.number("ops.port");
    public static final Setting<String> OPS_BIND = Setting.text("ops.bind");
    public static final Setting<Integer> INGEST_HTTP_PORT = Setting.number("ingest.http.port");
    public static final Setting<String> INGEST_HTTP_BIND = Setting.text("ingest.http.bind");
    public static final Setting<String> INGEST_HTTP_CREDENTIALS_FILE = Setting.text("ingest.http.credentials.file");
    public static final Setting<String> INGEST_HTTP_CREDENTIALS = Setting.text("ingest.http.credentials");
    public static final Setting<String> INGEST_HTTP_SOURCE = Setting.text("ingest.http.source");
    public static final Setting<String> INGEST_HTTP_FORMAT = Setting.text("ingest.http.format");
    public static final Setting<Boolean> INGEST_HTTP_INSECURE_UNAUTHENTICATED = Setting.flag("ingest.http.insecure.unauthenticated");
    public static final Setting<String> INGEST_HTTP_TLS_KEYSTORE = Setting.text("ingest.http.tls.keystore");
    public static final Setting<String> INGEST_HTTP_TLS_KEYSTORE_PASSWORD = Setting.text("ingest.http.tls.keystore.password");
    public static final Setting<String> INGEST_HTTP_TLS_PROTOCOLS = Setting.text("ingest.http.tls.protocols");
    public static final Setting<String> INGEST_HTTP_TLS_CLIENT_AUTH = Setting.text("ingest.http.tls.client.auth");
    public static final Setting<String> INGEST_HTTP_TLS_TRUSTSTORE = Setting.text("ingest.http.tls.truststore");
    public static final Setting<String> INGEST_HTTP_TLS_TRUSTSTORE_PASSWORD = Setting.text("ingest.http.tls.truststore.password");
    public static final Setting<Duration> INGEST_HTTP_HEADER_TIMEOUT = Setting.duration("ingest.http.header.timeout");
    public static final Setting<Duration> INGEST_HTTP_BODY_TIMEOUT = Setting.duration("ingest.http.body.timeout");
    public static final Setting<Duration> INGEST_HTTP_IDLE_TIMEOUT = Setting.duration("ingest.http.idle.timeout");
    public static final Setting<Integer> INGEST_HTTP_MAX_CONNECTIONS = Setting.number("ingest.http.max.connections");
    public static final Setting<Integer> INGEST_HTTP_MAX_IN_FLIGHT = Setting.number("ingest.http.max.in.flight");
    public static final Setting<Integer> INGEST_HTTP_MAX_QUEUED = Setting.number("ingest.http.max.queued");
    public static final Setting<Duration> INGEST_HTTP_QUEUE_WAIT = Setting.duration("ingest.http.queue.wait");
    public static final Setting<Duration> INGEST_HTTP_KAFKA_TIMEOUT = Setting.duration("ingest.http.kafka.timeout");

    public static final ConfigDef DEFINITION = define();
    /** Keys earlier builds took, with what replaced them. */
    static final Map<String, String> REMOVED = Map.of("dedupe.window",
            "a resend is now dropped for as long as its CDR is retained (the expiry index is the dedupe store); "
                    + "delete the key",
            "dedupe.repartition",
            "resends are now dropped whatever the producer: records not keyed by the pipeline's identity key are "
                    + "re-keyed through the by-identity repartition topic; delete the key");


    /** Rows of the reference for keys that are patterns, not single settings. */
    private static final List<String[]> PATTERNS = List.of(
            new String[] {"source.<name>.format` / `.region` / `.zone` / `.columns", "—",
                "per-switch settings (region and zone required); `columns` = the `cdr_custom.conf` line or `mod_cdr_csv` "
                        + "template, pasted, or variable names"},
            new String[] {"source.<name>.international.prefixes` / `.trunk.prefix` / `.access.codes` / "
                    + "`.international.without.prefix` / `.extension.max.digits` / `.extension.digits` / `.extension.pattern` / "
                    + "`.extension.names` / `.pseudo.extensions", "see docs/switches.md (dialling plans)", "the switch's dialling plan"},
            new String[] {"(key handling)", "", "every key — static key, `$CDR_PSEUDONYM_KEYS`, master key — must look random: at "
                    + "least min(16, n/2) distinct byte values, no repeated pattern (period ≤ n/2), no counting run, not all "
                    + "printable text; a key file (`pseudonym.key.file`, `pseudonym.master.key.file`) that group or others can "
                    + "read is refused with the `chmod 600` to run; `keys --out` creates files 0600 from the first byte. In "
                    + "Docker, mount the master key as a secret owned by the image's user: `chown 10001 deploy/master.key && "
                    + "chmod 400 deploy/master.key` (the compose file's secret says uid 10001, mode 0400; `ComposeSecretsTest` "
                    + "checks the wiring with `docker-compose config`)"},
            new String[] {"kafka.<client setting>", "—",
                "passed to every Kafka client, e.g. `kafka.security.protocol=SASL_SSL`, `kafka.sasl.jaas.config=…`; Streams' "
                        + "prefixes (`kafka.producer.`, `kafka.main.consumer.`, `kafka.topic.` …) work; a name Kafka's clients "
                        + "do not define is refused with the nearest valid one; secrets (Kafka's `PASSWORD` type, and any name "
                        + "with password, secret, jaas, key, credential, token) are masked in `config --print`"});

    private Settings() {
    }

    private static ConfigDef define() {
        ConfigDef d = new ConfigDef()
                .define(BOOTSTRAP_SERVERS.key(), Type.STRING, NONE, Importance.HIGH, "Kafka cluster (required)")
                .define(APPLICATION_ID.key(), Type.STRING, "cdr-pipeline", NAME, Importance.HIGH,
                        "Kafka Streams application id (consumer group, internal topic prefix)")
                .define(NUM_STREAM_THREADS.key(), Type.INT, 1, ConfigDef.Range.between(1, 256), Importance.MEDIUM,
                        "stream threads per instance")
                .define(STATE_DIR.key(), Type.STRING, NONE, Importance.HIGH, "local state (RocksDB) — put it on persistent "
                        + "storage; empty: `<tmpdir>/cdr-pipeline-state/<application.id>/<kafka.group.instance.id or "
                        + "'default'>`, one directory per application and instance");
        for (OwnedTopic t : OwnedTopic.values()) {
            d.define(t.setting(), Type.STRING, t.defaultName(), TOPIC, Importance.LOW, "topic name");
        }
        return d
                .define(TOPIC_PARTITIONS.key(), Type.INT, 4, ConfigDef.Range.between(1, 10_000), Importance.MEDIUM,
                        "partitions when `topics --apply` creates a topic")
                .define(TOPIC_REPLICATION_FACTOR.key(), Type.INT, -1, ConfigDef.Range.between(-1, 32), Importance.MEDIUM,
                        "for created and internal topics (-1: the broker's default)")
                .define(RETENTION_POLICY_FILE.key(), Type.STRING, NONE, Importance.HIGH,
                        "the retention policy (YAML); empty: the default policy (docs/privacy.md)")
                .define(INGEST_MAX_PAYLOAD_BYTES.key(), Type.INT, 262_144, ConfigDef.Range.between(1024, 16 * 1024 * 1024),
                        Importance.LOW, "larger raw records are rejected as `oversized`")
                .define(NUMBERS_CACHE_SIZE.key(), Type.INT, 200_000, ConfigDef.Range.between(0, 100_000_000), Importance.LOW,
                        "bounded cache of normalised numbers and prefixes")
                .define(AUDIT_SIGNING_KEY_FILE.key(), Type.STRING, NONE, Importance.HIGH,
                        "Ed25519 key (`cdr-pipeline keys --audit-signing-key --out FILE`) with which `run` signs checkpoints "
                                + "of the deletion receipts onto `cdr.audit-checkpoints`, for `audit verify` and `audit prove` "
                                + "(docs/privacy.md); empty: no checkpoints")
                .define(AUDIT_CHECKPOINT_INTERVAL.key(), Type.STRING, "10m", DURATION, Importance.LOW,
                        "at most one checkpoint per audit partition this often (and only when receipts were added)")
                .define(KPI_K.key(), Type.INT, 5, ConfigDef.Range.atLeast(3), Importance.MEDIUM,
                        "a `cdr.kpi` cell is published only if at least this many distinct calling parties contribute "
                                + "(never below 3: the statistical-disclosure threshold rule); docs/analytics.md")
                .define(KPI_GRACE.key(), Type.STRING, "5m", DURATION, Importance.LOW,
                        "a 15-minute KPI window closes this long after its end (wall clock): CDRs of its calls that "
                                + "arrive later are counted in `cdr_kpi_late_total`, never published")
                .define(KPI_LINGER.key(), Type.STRING, "1m", DURATION, Importance.LOW,
                        "and never sooner than this after its first CDR arrived, so a backfill of old files still "
                                + "publishes (once)")
                .define(DEFAULT_FORMAT.key(), Type.STRING, NONE, Importance.MEDIUM,
                        "format when a record has no `cdr.format` header and its source none")
                .define(DEFAULT_REGION.key(), Type.STRING, NONE, Importance.MEDIUM,
                        "with `default.zone`: every switch not configured by name gets these settings (an explicit default "
                                + "source); else such a switch's records are rejected (`unknown-source`)")
                .define(DEFAULT_ZONE.key(), Type.STRING, NONE, Importance.MEDIUM, "see `default.region`")
                .define(DEFAULT_EXTENSION_MAX_DIGITS.key(), Type.STRING, Integer.toString(DialPlan.DEFAULT_EXTENSION_MAX_DIGITS),
                        Importance.LOW, "longest digit string treated as an internal extension, for every source")
                .define(PSEUDONYM_MASTER_KEY_FILE.key(), Type.STRING, NONE, Importance.HIGH,
                        "file holding the master key (else `$CDR_MASTER_KEY`): rotating, shreddable keys on "
                                + "`cdr.pseudonym-keys` — production")
                .define(PSEUDONYM_KEY_FILE.key(), Type.STRING, NONE, Importance.HIGH,
                        "static key file (else `$CDR_PSEUDONYM_KEYS`, same text); takes precedence over the master key")
                .define(PSEUDONYM_KEY_MODE.key(), Type.STRING, NONE, ConfigDef.ValidString.in(NONE, "static"), Importance.HIGH,
                        "`static` lets `run` use static keys (never rotated nor destroyed: pseudonyms linkable as long as "
                                + "they exist); without it `run` refuses them")
                .define(STARTUP_TIMEOUT.key(), Type.STRING, "30s", DURATION, Importance.MEDIUM,
                        "`run`, `produce`, `topics`, `ingest`, `acls` give up on a cluster that does not answer within this, "
                                + "naming `bootstrap.servers`; producers' `max.block.ms` / `delivery.timeout.ms` follow it")
                .define(CLOSE_TIMEOUT.key(), Type.STRING, "30s", DURATION, Importance.MEDIUM,
                        "SIGTERM: Kafka Streams (and the ingest producer) get this long to commit and close, then the "
                                + "process exits")
                .define(STATE_TRANSACTIONAL.key(), Type.BOOLEAN, true, Importance.MEDIUM,
                        "retention stores commit their writes with their changelog offsets "
                                + "(`enable.transactional.statestores`): a crash does not wipe them (docs/operations.md, failure and recovery)")
                .define(OPS_PORT.key(), Type.INT, 8080, ConfigDef.Range.between(-1, 65_535), Importance.MEDIUM,
                        "`/metrics` (Prometheus), `/health/live`, `/health/ready` of `run`; -1 turns it off")
                .define(OPS_BIND.key(), Type.STRING, "0.0.0.0", Importance.LOW, "the address `ops.port` listens on")
                .define(INGEST_HTTP_PORT.key(), Type.INT, 8081, ConfigDef.Range.between(0, 65_535), Importance.MEDIUM,
                        "where `ingest` (FreeSWITCH `mod_json_cdr` endpoint) listens")
                .define(INGEST_HTTP_BIND.key(), Type.STRING, "0.0.0.0", Importance.LOW, "the address `ingest.http.port` listens on")
                .define(INGEST_HTTP_CREDENTIALS_FILE.key(), Type.STRING, NONE, Importance.HIGH,
                        "one credential a line, `user:password:source[:format]` (format default `freeswitch-json`); each "
                                + "binds its user to one switch; the file must not be readable by group or others")
                .define(INGEST_HTTP_CREDENTIALS.key(), Type.PASSWORD, NONE, Importance.MEDIUM,
                        "a single `user:password`, bound to `ingest.http.source` and `ingest.http.format`")
                .define(INGEST_HTTP_SOURCE.key(), Type.STRING, "freeswitch", Importance.MEDIUM,
                        "the source of the single credential (and of anonymous posts); must be a configured source")
                .define(INGEST_HTTP_FORMAT.key(), Type.STRING, "freeswitch-json", Importance.MEDIUM,
                        "the format of the single credential's posts")
                .define(INGEST_HTTP_INSECURE_UNAUTHENTICATED.key(), Type.BOOLEAN, false, Importance.MEDIUM,
                        "`true` accepts posts without credentials, any `?source=`/`?format=` (a lab); without it and "
                                + "without credentials `ingest` refuses to start")
                .define(INGEST_HTTP_TLS_KEYSTORE.key(), Type.STRING, NONE, Importance.MEDIUM,
                        "HTTPS with this PKCS12 key store")
                .define(INGEST_HTTP_TLS_KEYSTORE_PASSWORD.key(), Type.PASSWORD, NONE, Importance.MEDIUM, "its password")
                .define(INGEST_HTTP_TLS_PROTOCOLS.key(), Type.STRING, "TLSv1.3,TLSv1.2", Importance.LOW, "TLS protocols offered")
                .define(INGEST_HTTP_TLS_CLIENT_AUTH.key(), Type.STRING, "none", ConfigDef.ValidString.in("none", "want", "need"),
                        Importance.MEDIUM, "`need` (or `want`) asks switches for a certificate signed by a CA in the trust store")
                .define(INGEST_HTTP_TLS_TRUSTSTORE.key(), Type.STRING, NONE, Importance.MEDIUM, "PKCS12 trust store for client certificates")
                .define(INGEST_HTTP_TLS_TRUSTSTORE_PASSWORD.key(), Type.PASSWORD, NONE, Importance.MEDIUM, "its password")
                .define(INGEST_HTTP_HEADER_TIMEOUT.key(), Type.STRING, "10s", DURATION, Importance.LOW,
                        "a request's headers must arrive within this (also between keep-alive requests)")
                .define(INGEST_HTTP_BODY_TIMEOUT.key(), Type.STRING, "30s", DURATION, Importance.LOW,
                        "a request's body must arrive within this, else 408")
                .define(INGEST_HTTP_IDLE_TIMEOUT.key(), Type.STRING, "30s", DURATION, Importance.LOW,
                        "an idle keep-alive connection closes after this")
                .define(INGEST_HTTP_MAX_CONNECTIONS.key(), Type.INT, 1024, ConfigDef.Range.between(1, 1_000_000), Importance.LOW,
                        "open connections at most")
                .define(INGEST_HTTP_MAX_IN_FLIGHT.key(), Type.INT, 64, ConfigDef.Range.between(1, 10_000), Importance.LOW,
                        "posts waiting for Kafka at once")
                .define(INGEST_HTTP_MAX_QUEUED.key(), Type.INT, 256, ConfigDef.Range.between(0, 100_000), Importance.LOW,
                        "posts queued behind those, for at most `queue.wait` — beyond that 503 with `Retry-After`")
                .define(INGEST_HTTP_QUEUE_WAIT.key(), Type.STRING, "2s", DURATION, Importance.LOW, "see `max.queued`")
                .define(INGEST_HTTP_KAFKA_TIMEOUT.key(), Type.STRING, "15s", DURATION, Importance.LOW,
                        "a post is answered 503 (`Retry-After`) when Kafka has not acknowledged it within this; failures "
                                + "logged at most every 10 s");
    }

    /** The configuration table of docs/reference.md: one row per setting, then the key patterns. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (ConfigDef.ConfigKey k : DEFINITION.configKeys().values()) {
            Object value = k.defaultValue instanceof Password p ? p.value() : k.defaultValue;
            String def = value == null || value.toString().isEmpty() ? "—"
                    : "`" + value + "`";
            String type = k.validator == DURATION ? "duration" : k.type.name().toLowerCase(Locale.ROOT);
            String bounds = k.validator instanceof ConfigDef.Range || k.validator instanceof ConfigDef.ValidString
                    ? " " + k.validator : "";
            out.append("| `").append(k.name).append("` | ").append(type).append(bounds.replace("|", "\\|")).append(" | ")
                    .append(def).append(" | ").append(k.documentation).append(" |\n");
        }
        for (String[] p : PATTERNS) {
            String name = p[0].startsWith("(") ? p[0] : "`" + p[0] + "`";
            out.append("| ").append(name).append(" | | ").append(p[1]).append(" | ").append(p[2]).append(" |\n");
        }
        return out.toString();
    }

    /** Every setting's name. */
    public static List<String> names() {
        return new ArrayList<>(DEFINITION.names());
    }

    /** Each setting parsed by its type and checked by its validator; a message naming the key and the value. */
    static Map<String, Object> parse(Map<String, String> values) {
        Map<String, Object> out = new HashMap<>();
        for (ConfigDef.ConfigKey k : DEFINITION.configKeys().values()) {
            String raw = values.get(k.name);
            Object v;
            try {
                v = ConfigDef.parseType(k.name, raw, k.type);
            } catch (org.apache.kafka.common.config.ConfigException e) {
                throw new ConfigException(k.name + ": '" + raw + "' " + (k.type == ConfigDef.Type.INT ? "is not a whole number"
                        : k.type == ConfigDef.Type.BOOLEAN ? "must be true or false" : "is not a " + k.type));
            }
            if (k.validator != null) {
                try {
                    k.validator.ensureValid(k.name, v);
                } catch (org.apache.kafka.common.config.ConfigException e) {
                    throw new ConfigException(k.name + ": " + (k.validator instanceof ConfigDef.Range ? v + " is outside "
                            : "'" + v + "' must be one of ") + k.validator);
                }
            }
            out.put(k.name, v);
        }
        return out;
    }

    static String suggestion(String key) {
        return DEFINITION.names().stream()
                .filter(k -> TemplateColumns.distance(k, key) <= 3)
                .findFirst().map(k -> "; did you mean '" + k + "'?").orElse("");
    }

    /** Every setting's default as text ("" when there is none). */
    static Map<String, String> defaults() {
        Map<String, String> d = new TreeMap<>();
        DEFINITION.configKeys().values().forEach(k -> d.put(k.name,
                k.defaultValue instanceof Password p ? p.value() : String.valueOf(k.defaultValue)));
        return Map.copyOf(d);
    }
}
