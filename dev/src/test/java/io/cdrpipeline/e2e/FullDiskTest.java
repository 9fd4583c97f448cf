package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import io.cdrpipeline.testing.Prerequisite;
import org.junit.jupiter.api.Test;

/**
 * {@code run} with its state directory on a full disk (a 128 KiB tmpfs, mounted by the test; it
 * needs root, and is skipped, saying so, without it): the process stops by itself, non-zero, and
 * the message names the cause — "No space left on device" — not only the outermost exception.
 */
class FullDiskTest {

    private static final Path WORK = Path.of("target", "fulldisk-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldStopNamingNoSpaceLeftOnDevice() throws Exception {
        Path state = Files.createDirectories(WORK.resolve("state"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=128k", "tmpfs", state.toString())
                .redirectErrorStream(true).start();
        boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
        Prerequisite.require(mounted, "root, to mount a 128 KiB tmpfs (" + new String(mount.getInputStream().readAllBytes()).strip() + ")");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Map<String, String> s = new HashMap<>();
            s.put("bootstrap.servers", kafka.bootstrapServers());
            s.put("application.id", "cdr-fulldisk");
            s.put("state.dir", state.toString());
            // A replaced thread rejoins once the group drops the dead one: 6 s (the broker's minimum), not 45 s.
            s.put("kafka.main.consumer.session.timeout.ms", "6000");
            s.put("source.pbx-synth.region", "DE");
            s.put("source.pbx-synth.zone", "UTC");
            PipelineConfig config = PipelineConfig.of(s);
            RetentionPolicy policy = RetentionPolicy.parse("version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n", "p");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            TrafficGenerator gen = new TrafficGenerator(9, 5_000, 1.1, 0, 0);
            try (RawProducer producer = new RawProducer(config)) {
                for (int i = 0; i < 20_000; i++) {
                    producer.send(gen.next(), CdrFormat.ASTERISK_CSV, "pbx-synth", null, 0);
                }
                producer.flush();
            }
            StringBuilder props = new StringBuilder();
            config.effective().forEach((k, v) -> props.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
            props.append("pseudonym.key.mode=static\nops.port=-1\nretention.policy.file=").append(WORK.resolve("p.yaml"))
                    .append('\n');
            Files.writeString(WORK.resolve("p.yaml"), "version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n");
            Path conf = Files.writeString(WORK.resolve("run.properties"), props.toString());
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.cdrpipeline.cli.CdrPipelineCli",
                    "run", "--config", conf.toString());
            pb.environment().put("CDR_PSEUDONYM_KEYS", KeyRing.random("f", Instant.EPOCH).toFileText());
            Path log = WORK.resolve("run.log");
            pb.redirectErrorStream(true).redirectOutput(log.toFile());
            Process run = pb.start();
            boolean ended = run.waitFor(180, TimeUnit.SECONDS);
            if (!ended) {
                run.destroyForcibly().waitFor();
            }
            String out = Files.readString(log);
            assertThat(ended).as("run stops by itself on a full disk; log:%n%s", tail(out)).isTrue();
            assertThat(run.exitValue()).isNotZero();
            String last = out.lines().filter(l -> l.startsWith("failed:") || l.startsWith("error:") || l.contains("caused by"))
                    .reduce("", (a, b) -> a + b + "\n");
            assertThat(last).as("what the operator reads last").contains("No space left on device");
        } finally {
            new ProcessBuilder("umount", "-l", state.toString()).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String tail(String s) {
        return s.length() < 4000 ? s : s.substring(s.length() - 4000);
    }
}
