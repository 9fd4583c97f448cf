package io.cdrpipeline.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.Settings;
import io.cdrpipeline.retention.RetentionPolicy;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.cdrpipeline.testing.Prerequisite;
import org.junit.jupiter.api.Test;

/**
 * The compose file as docker-compose resolves it ({@code docker-compose config}; skipped, saying
 * so, where docker-compose is not installed — {@code .ci/run} installs it): every pipeline instance
 * gets the master key as a secret private to the image's user (uid 10001, mode 0400), at the path
 * {@code deploy/pipeline.properties} reads it from, and Docker waits longer than the pipeline's
 * close timeout before it kills.
 */
class ComposeSecretsTest {

    @Test
    void everyPipelineInstanceGetsThePrivateMasterKeyWhereItsConfigLooks() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        ProcessBuilder pb = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config").directory(root.toFile());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            Prerequisite.require(false, "docker-compose (Debian: apt-get install docker-compose; .ci/run installs it)");
            return;
        }
        String yaml = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as("docker-compose config: %s", err).isTrue();
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        PipelineConfig deployed = PipelineConfig.load(root.resolve("deploy/pipeline.properties"), Map.of());
        Duration close = deployed.get(Settings.CLOSE_TIMEOUT);
        int pipelines = 0;
        Set<String> stateVolumes = new HashSet<>();
        Set<String> instanceIds = new HashSet<>();
        for (var it = compose.get("services").fields(); it.hasNext(); ) {
            var service = it.next();
            JsonNode command = service.getValue().get("command");
            if (command == null || !command.get(0).asText().equals("run")) {
                continue;
            }
            pipelines++;
            JsonNode secret = service.getValue().get("secrets").get(0);
            assertThat(secret.get("source").asText()).isEqualTo("master_key");
            assertThat(secret.get("uid").asText()).as("the image's user").isEqualTo("10001");
            assertThat(secret.get("mode").asInt()).as("mode 0400").isEqualTo(0400);
            assertThat("/run/secrets/" + secret.get("target").asText()).as(service.getKey() + " reads its key there")
                    .isEqualTo(deployed.get(Settings.PSEUDONYM_MASTER_KEY_FILE));
            Duration grace = io.cdrpipeline.config.Durations.parse(service.getValue().get("stop_grace_period").asText(), "grace");
            assertThat(grace).as("%s: stop grace period longer than close.timeout", service.getKey()).isGreaterThan(close);
            // Started once the topics exist; state on a named volume of its own; its own static member id.
            assertThat(service.getValue().get("depends_on").get("topics").get("condition").asText())
                    .isEqualTo("service_completed_successfully");
            assertThat(mounts(service.getValue())).as("%s: the deployment's retention policy where its config looks",
                    service.getKey()).containsEntry(deployed.get(Settings.RETENTION_POLICY_FILE), "deploy/retention-policy.yaml");
            String stateVolume = null;
            for (JsonNode v : service.getValue().get("volumes")) {
                // Long syntax (type, source, target) or short (source:target[:mode]), as docker-compose renders it.
                String[] parts = v.isTextual() ? v.asText().split(":") : new String[] {v.get("source").asText(),
                        v.get("target").asText()};
                boolean named = v.isTextual() ? !parts[0].startsWith("/") && !parts[0].startsWith(".")
                        : "volume".equals(v.get("type").asText());
                if (named && deployed.get(Settings.STATE_DIR).startsWith(parts[1])) {
                    stateVolume = parts[0];
                }
            }
            assertThat(stateVolume).as("%s: state.dir on a named volume", service.getKey()).isNotNull();
            assertThat(compose.get("volumes").has(stateVolume)).isTrue();
            assertThat(stateVolumes.add(stateVolume)).as("one state volume per instance").isTrue();
            assertThat(instanceIds.add(service.getValue().get("environment").get("CDR_KAFKA_GROUP_INSTANCE_ID").asText()))
                    .isTrue();
        }
        // The topic job derives the topics' configs from the same policy; the policy itself is valid and keeps
        // the French switch's billing a year.
        assertThat(mounts(compose.get("services").get("topics"))).containsEntry(deployed.get(Settings.RETENTION_POLICY_FILE),
                "deploy/retention-policy.yaml");
        RetentionPolicy policy = RetentionPolicy.load(root.resolve("deploy/retention-policy.yaml"));
        assertThat(policy.billingWindow("pbx-paris")).isEqualTo(Duration.ofDays(365));
        assertThat(deployed.configuredSources()).containsKey("pbx-paris");
        // The topic job waits for healthy brokers, each with a health check.
        for (var broker : compose.get("services").get("topics").get("depends_on").properties()) {
            assertThat(broker.getValue().get("condition").asText()).isEqualTo("service_healthy");
            assertThat(compose.get("services").get(broker.getKey()).has("healthcheck")).isTrue();
        }
        // The file itself declares no obsolete `version:` (docker-compose adds one when it renders).
        JsonNode source = new ObjectMapper(new YAMLFactory()).readTree(root.resolve("docker-compose.yml").toFile());
        assertThat(source.has("version")).as("obsolete version key").isFalse();
        assertThat(pipelines).isEqualTo(2);
        assertThat(compose.get("secrets").get("master_key").get("file").asText()).endsWith("deploy/master.key");
    }

    /** A service's bind mounts of files under the repository: target → source relative to the repository. */
    private static Map<String, String> mounts(JsonNode service) {
        Map<String, String> m = new HashMap<>();
        String root = Path.of("..").toAbsolutePath().normalize() + "/";
        for (JsonNode v : service.get("volumes")) {
            String source = v.isTextual() ? v.asText().split(":")[0] : v.get("source").asText();
            String target = v.isTextual() ? v.asText().split(":")[1] : v.get("target").asText();
            m.put(target, source.startsWith(root) ? source.substring(root.length()) : source.replaceFirst("^\\./", ""));
        }
        return m;
    }
}
