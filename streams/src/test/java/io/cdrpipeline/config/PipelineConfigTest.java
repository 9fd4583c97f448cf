package io.cdrpipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.ingest.CdrFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PipelineConfigTest {

    @Test
    void shouldReadAFileWithSourcesAndPassKafkaSettingsThrough(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        Files.writeString(file, """
                bootstrap.servers=kafka-1:9093
                numbers.cache.size=5000
                kafka.security.protocol=SASL_SSL
                kafka.sasl.jaas.config=secret stuff
                source.pbx-berlin.format=cdr_csv
                source.pbx-berlin.region=de
                source.pbx-berlin.zone=Europe/Berlin
                """);

        PipelineConfig c = PipelineConfig.load(file);

        assertThat(c.bootstrapServers()).isEqualTo("kafka-1:9093");
        assertThat(c.intValue("numbers.cache.size")).isEqualTo(5000);
        assertThat(c.kafkaClientSettings()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(c.effective()).containsEntry("kafka.sasl.jaas.config", "******");
        var berlin = c.sources().apply("pbx-berlin");
        assertThat(berlin.defaultFormat()).isEqualTo(CdrFormat.ASTERISK_CSV);
        assertThat(berlin.region()).isEqualTo("DE");
        assertThat(berlin.zone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(c.sources().apply("elsewhere")).as("no default source: an unknown switch is not guessed").isNull();
        PipelineConfig withDefault = c.with(Map.of("default.region", "GB", "default.zone", "Europe/London"));
        assertThat(withDefault.sources().apply("elsewhere").region()).isEqualTo("GB");
    }

    @Test
    void shouldReadYamlAndLetTheEnvironmentOverrideIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.yaml");
        Files.writeString(file, """
                bootstrap.servers: kafka-1:9092
                numbers:
                  cache: {size: 6000}
                source:
                  pbx-paris: {format: asterisk-custom, region: FR, zone: Europe/Paris}
                """);

        PipelineConfig c = PipelineConfig.load(file, Map.of("CDR_NUMBERS_CACHE_SIZE", "7000",
                "CDR_KAFKA_SECURITY_PROTOCOL", "SSL", "CDR_TOPIC_ERASURE_REQUESTS", "erasures", "PATH", "/bin"));

        assertThat(c.intValue("numbers.cache.size")).isEqualTo(7000);
        assertThat(c.bootstrapServers()).isEqualTo("kafka-1:9092");
        assertThat(c.kafkaClientSettings()).containsEntry("security.protocol", "SSL");
        assertThat(c.get("topic.erasure-requests")).isEqualTo("erasures");
        assertThat(c.sources().apply("pbx-paris").defaultFormat()).isEqualTo(CdrFormat.ASTERISK_CUSTOM);
        assertThatThrownBy(() -> PipelineConfig.load(file, Map.of("CDR_BOOTSTRAP_SERVER", "x")))
                .hasMessageContaining("environment variable CDR_BOOTSTRAP_SERVER names no setting")
                .hasMessageContaining("did you mean CDR_BOOTSTRAP_SERVERS?");
    }

    @Test
    void shouldNameUnknownAndMisspelledKeys() {
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("numbers.cache.sise", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown key 'numbers.cache.sise'; did you mean 'numbers.cache.size'?");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.pbx.timezone", "UTC")))
                .hasMessageStartingWith("unknown key 'source.pbx.timezone'");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("dedupe.window", "24h")))
                .hasMessageStartingWith("key 'dedupe.window' was removed: a resend is now dropped for as long as");
    }

    @Test
    void shouldNameTheKeyOfABadValue() {
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("numbers.cache.size", "lots")))
                .hasMessage("numbers.cache.size: 'lots' is not a whole number");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.x.zone", "Mars/Olympus", "source.x.region", "DE")))
                .hasMessageContaining("source.x.zone");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.x.region", "XX", "source.x.zone", "UTC")))
                .hasMessageContaining("source.x.region");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.x.format", "cisco", "source.x.region", "DE",
                "source.x.zone", "UTC"))).hasMessageContaining("source.x.format: unknown format 'cisco'");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.x.format", "asterisk-csv")))
                .hasMessage("source 'x' needs source.x.region (e.g. DE) and source.x.zone (e.g. Europe/Berlin), or "
                        + "default.region and default.zone for every source");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.x.region", "DE")))
                .hasMessage("source 'x' needs source.x.zone (e.g. Europe/Berlin), or default.region and default.zone for every source");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("default.region", "DE")))
                .hasMessageContaining("default.region and default.zone go together");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.x.region", "DE", "source.x.zone", "UTC",
                "source.x.access.codes", "nine"))).hasMessageContaining("access code 'nine' must be 1 to 6 digits");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("source.x.region", "DE", "source.x.zone", "UTC",
                "source.x.extension.digits", "3-20"))).hasMessageContaining("extension digits '3-20'");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("dedupe.repartition", "true")))
                .hasMessageStartingWith("key 'dedupe.repartition' was removed: resends are now dropped whatever the producer");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("topic.partitions", "0")))
                .hasMessage("topic.partitions: 0 is outside [1,...,10000]");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("topic.billing", "bad topic")))
                .hasMessageContaining("topic.billing");
        assertThatThrownBy(() -> PipelineConfig.defaultsOnly().bootstrapServers())
                .hasMessage("bootstrap.servers is not set");
        assertThatThrownBy(() -> PipelineConfig.load(Path.of("/nonexistent/x.properties")))
                .hasMessage("config file /nonexistent/x.properties does not exist");
    }

    @Test
    void shouldParseDurationsInBothForms() {
        assertThat(Durations.parse("90d", "k")).isEqualTo(Duration.ofDays(90));
        assertThat(Durations.parse("P90D", "k")).isEqualTo(Duration.ofDays(90));
        assertThat(Durations.parse("PT6H", "k")).isEqualTo(Duration.ofHours(6));
        assertThat(Durations.parse("500ms", "k")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
    }

    @Test
    void shouldRefuseKafkaClientSettingsKafkaDoesNotKnowNamingTheNearest() {
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("kafka.security.protocl", "SASL_SSL")))
                .hasMessageContaining("kafka.security.protocl").hasMessageContaining("did you mean 'kafka.security.protocol'");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("kafka.sasl.jass.config", "ScramLoginModule password=\"p\"")))
                .hasMessageContaining("did you mean 'kafka.sasl.jaas.config'").hasMessageNotContaining("password=");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("kafka.producer.lingr.ms", "5")))
                .hasMessageContaining("did you mean 'kafka.producer.linger.ms'");
        assertThatThrownBy(() -> PipelineConfig.of(Map.of("kafka.bootstrap.servers", "x:9092")))
                .hasMessageContaining("set bootstrap.servers");
        PipelineConfig ok = PipelineConfig.of(Map.of("kafka.producer.linger.ms", "5", "kafka.main.consumer.max.poll.records",
                "100", "kafka.topic.segment.ms", "60000", "kafka.state.cleanup.delay.ms", "1000",
                "kafka.ssl.keystore.password", "pw1", "kafka.ssl.truststore.type", "PKCS12",
                "ingest.http.tls.keystore.password", "pw2"));
        assertThat(ok.effective()).containsEntry("kafka.ssl.keystore.password", "******")
                .containsEntry("ingest.http.tls.keystore.password", "******")
                .containsEntry("kafka.ssl.truststore.type", "PKCS12").containsEntry("kafka.producer.linger.ms", "5");
    }

    /** Issue 23, finding 3: a client setting's value is checked at load, as our own settings are (exit 2, key named). */
    @Test
    void shouldRefuseAKafkaClientValueOfTheWrongTypeOrOutsideItsRange() {
        for (String[] kv : new String[][] {{"kafka.linger.ms", "soon"}, {"kafka.max.poll.records", "many"},
                {"kafka.security.protocol", "SASL_SSLL"}, {"kafka.acks", "most"}, {"kafka.max.poll.records", "0"}}) {
            assertThatThrownBy(() -> PipelineConfig.of(Map.of("bootstrap.servers", "k:9092", kv[0], kv[1])))
                    .as(kv[0]).isInstanceOf(ConfigException.class).hasMessageContaining(kv[0])
                    .hasMessageNotContaining(kv[1] + ",");
        }
        assertThat(PipelineConfig.of(Map.of("bootstrap.servers", "k:9092", "kafka.security.protocol", "sasl_ssl",
                "kafka.linger.ms", "5")).kafkaClientSettings()).containsEntry("linger.ms", "5");
    }
}
