package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/**
 * The operator commands an ops team runs against a cluster, run as commands on a real broker
 * (issue 14): {@code topics} plans, {@code topics --apply} creates and realigns, {@code describe}
 * prints the topology with its privacy lint. Exact lines, exact exit codes.
 */
class CommandsEndToEndTest {

    private static final Path WORK = Path.of("target", "commands-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldPlanCreateRealignAndDescribe() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Files.createDirectories(WORK);
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, "bootstrap.servers=" + kafka.bootstrapServers() + "\nsource.pbx1.region=DE\n"
                    + "source.pbx1.zone=Europe/Berlin\n");
            // Every topic of the catalogue (no topic name is configured here): the defaults.
            List<String> owned = java.util.Arrays.stream(io.cdrpipeline.catalogue.OwnedTopic.values())
                    .map(io.cdrpipeline.catalogue.OwnedTopic::defaultName).toList();
            assertThat(owned).contains("cdr.raw", "cdr.billing", "cdr.analytics", "cdr.kpi", "cdr.audit", "cdr.pseudonym-keys");

            Result plan = run("topics", "--config", conf.toString());
            assertThat(plan.exit()).isZero();
            assertThat(plan.lines()).hasSize(owned.size()).allMatch(l -> l.startsWith("MISSING  "));
            assertThat(plan.lines()).extracting(l -> l.split("\\s+")[1]).containsExactlyInAnyOrderElementsOf(owned);

            Result apply = run("topics", "--config", conf.toString(), "--apply");
            assertThat(apply.exit()).isZero();
            assertThat(apply.lines()).filteredOn(l -> l.startsWith("created ")).extracting(l -> l.substring("created ".length()))
                    .containsExactlyInAnyOrderElementsOf(owned);
            assertThat(apply.lines()).filteredOn(l -> !l.startsWith("created ")).hasSize(owned.size())
                    .allMatch(l -> l.startsWith("OK "));
            // Topic creation reaches every broker's metadata asynchronously: the plan turns OK shortly after.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(run("topics", "--config", conf.toString())
                    .lines()).hasSize(owned.size()).allMatch(l -> l.startsWith("OK ")));

            // Drift by hand: the plan names it, --apply realigns exactly that setting, the plan is clean again.
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "cdr.billing"),
                        List.of(new AlterConfigOp(new ConfigEntry("delete.retention.ms", "2592000000"),
                                AlterConfigOp.OpType.SET)))).all().get();
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(run("topics", "--config", conf.toString())
                    .lines()).filteredOn(l -> l.startsWith("DIFFERS")).singleElement().asString()
                    .contains("cdr.billing", "delete.retention.ms"));
            assertThat(run("topics", "--config", conf.toString(), "--apply").lines())
                    .filteredOn(l -> !l.startsWith("OK ")).containsExactly("aligned cdr.billing [delete.retention.ms]");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(run("topics", "--config", conf.toString())
                    .lines()).allMatch(l -> l.startsWith("OK ")));

            Result describe = run("describe", "--config", conf.toString());
            assertThat(describe.exit()).isZero();
            assertThat(describe.out()).contains("Topologies:", "```mermaid", "privacy lint: no findings");
        }
    }

    private record Result(int exit, String out) {
        List<String> lines() {
            return out.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    private static Result run(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            int exit = CdrPipelineCli.execute(args);
            return new Result(exit, buf.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }
}
