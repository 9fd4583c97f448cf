package io.cdrpipeline.produce;

import io.cdrpipeline.config.Setting;
import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.SecretFiles;
import io.cdrpipeline.ingest.CdrFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * How the HTTP ingest listens and whom it trusts, read once from the {@code ingest.http.*}
 * settings. {@code credentials} is null only in the explicitly insecure mode.
 */
public record IngestSettings(String bind, int port, int maxBytes, IngestCredentials credentials, String defaultSource,
        CdrFormat defaultFormat, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxInFlight,
        int maxQueued, Duration queueWait, Duration kafkaTimeout, int maxConnections, Tls tls) {

    /** TLS for the endpoint: a PKCS12 key store, the protocols offered, and optional client certificates. */
    public record Tls(Path keyStore, String keyStorePassword, List<String> protocols, String clientAuth, Path trustStore,
            String trustStorePassword) {
    }

    /** Settings for tests and embedding: loopback, any port, one credential bound to {@code source}. */
    public static IngestSettings loopback(String source, int maxBytes, String userColonPassword) {
        return new IngestSettings("127.0.0.1", 0, maxBytes,
                userColonPassword == null ? null : IngestCredentials.single(userColonPassword, source, CdrFormat.FREESWITCH_JSON),
                source, CdrFormat.FREESWITCH_JSON, Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(30),
                64, 256, Duration.ofSeconds(2), Duration.ofSeconds(15), 1024, null);
    }

    public IngestSettings withTimeouts(Duration header, Duration body, Duration kafka) {
        return new IngestSettings(bind, port, maxBytes, credentials, defaultSource, defaultFormat, header, body, idleTimeout,
                maxInFlight, maxQueued, queueWait, kafka, maxConnections, tls);
    }

    public IngestSettings withCredentials(IngestCredentials c) {
        return new IngestSettings(bind, port, maxBytes, c, defaultSource, defaultFormat, headerTimeout, bodyTimeout,
                idleTimeout, maxInFlight, maxQueued, queueWait, kafkaTimeout, maxConnections, tls);
    }

    public IngestSettings withTls(Tls t) {
        return new IngestSettings(bind, port, maxBytes, credentials, defaultSource, defaultFormat, headerTimeout, bodyTimeout,
                idleTimeout, maxInFlight, maxQueued, queueWait, kafkaTimeout, maxConnections, t);
    }

    /**
     * Reads the settings; refuses to start without credentials unless
     * {@code ingest.http.insecure.unauthenticated=true} says so.
     */
    public static IngestSettings from(PipelineConfig c) {
        String source = c.get(Settings.INGEST_HTTP_SOURCE);
        CdrFormat format = CdrFormat.parse(c.get(Settings.INGEST_HTTP_FORMAT)).orElseThrow(() -> new ConfigException(
                "ingest.http.format: unknown format '" + c.get(Settings.INGEST_HTTP_FORMAT) + "'; known: " + CdrFormat.names()));
        IngestCredentials creds = null;
        String file = c.get(Settings.INGEST_HTTP_CREDENTIALS_FILE);
        String single = c.get(Settings.INGEST_HTTP_CREDENTIALS);
        try {
            if (!file.isBlank() && !single.isBlank()) {
                throw new ConfigException("ingest.http.credentials and ingest.http.credentials.file: set one, not both");
            }
            if (!file.isBlank()) {
                creds = IngestCredentials.parse(SecretFiles.read(Path.of(file), "ingest.http.credentials.file"), file);
            } else if (!single.isBlank()) {
                creds = IngestCredentials.single(single, source, format);
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        if (creds == null && !c.get(Settings.INGEST_HTTP_INSECURE_UNAUTHENTICATED)) {
            throw new ConfigException("ingest: no credentials. Every post must authenticate as a switch: set "
                    + "ingest.http.credentials.file (lines user:password:source[:format]) or ingest.http.credentials "
                    + "(user:password, bound to ingest.http.source). To accept anonymous posts anyway (a lab), set "
                    + "ingest.http.insecure.unauthenticated=true");
        }
        Tls tls = null;
        if (!c.get(Settings.INGEST_HTTP_TLS_KEYSTORE).isBlank()) {
            String auth = c.get(Settings.INGEST_HTTP_TLS_CLIENT_AUTH);
            if (!List.of("none", "want", "need").contains(auth)) {
                throw new ConfigException("ingest.http.tls.client.auth: '" + auth + "' is not one of none, want, need");
            }
            String trust = c.get(Settings.INGEST_HTTP_TLS_TRUSTSTORE);
            if (!auth.equals("none") && trust.isBlank()) {
                throw new ConfigException("ingest.http.tls.client.auth=" + auth + " needs ingest.http.tls.truststore "
                        + "(PKCS12 with the CA that signs the switches' certificates)");
            }
            tls = new Tls(Path.of(c.get(Settings.INGEST_HTTP_TLS_KEYSTORE)), c.get(Settings.INGEST_HTTP_TLS_KEYSTORE_PASSWORD),
                    Arrays.stream(c.get(Settings.INGEST_HTTP_TLS_PROTOCOLS).split(",")).map(String::strip)
                            .filter(s -> !s.isEmpty()).toList(),
                    auth, trust.isBlank() ? null : Path.of(trust), c.get(Settings.INGEST_HTTP_TLS_TRUSTSTORE_PASSWORD));
        }
        return new IngestSettings(c.get(Settings.INGEST_HTTP_BIND), c.get(Settings.INGEST_HTTP_PORT),
                c.get(Settings.INGEST_MAX_PAYLOAD_BYTES), creds, source, format,
                positive(c, Settings.INGEST_HTTP_HEADER_TIMEOUT), positive(c, Settings.INGEST_HTTP_BODY_TIMEOUT),
                positive(c, Settings.INGEST_HTTP_IDLE_TIMEOUT), c.get(Settings.INGEST_HTTP_MAX_IN_FLIGHT),
                c.get(Settings.INGEST_HTTP_MAX_QUEUED), positive(c, Settings.INGEST_HTTP_QUEUE_WAIT),
                positive(c, Settings.INGEST_HTTP_KAFKA_TIMEOUT), c.get(Settings.INGEST_HTTP_MAX_CONNECTIONS), tls);
    }

    private static Duration positive(PipelineConfig c, Setting<Duration> setting) {
        Duration d = c.get(setting);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigException(setting.key() + ": must be longer than zero");
        }
        return d;
    }
}
