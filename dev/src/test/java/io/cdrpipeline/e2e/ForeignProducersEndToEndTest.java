package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import io.cdrpipeline.ingest.CdrHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.CdrFiles;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.topology.Topics;
import io.cdrpipeline.topology.TopicSpecs;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Issue #8's acceptance on a real broker: one corpus — real-switch look-alikes with switch ids
 * shared by distinct CDRs, plus the bundled samples — loaded three times: by {@code produce}
 * (identity keys), by a plain producer with null keys, and by one with random keys. Every
 * distinct CDR is billed exactly once under its own key, every copy is dropped as a duplicate,
 * and the books balance.
 */
class ForeignProducersEndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-foreign-" + System.nanoTime());
    /** Hand-counted: the forked channel's four CDRs and the two FreeSWITCH lines sharing a uuid. */
    private static final Map<String, Integer> SHARED_ID_FIXTURES = Map.of(
            "asterisk-forked.csv", 4, "freeswitch-shared-uuid.csv", 2);

    @Test
    void shouldBillEveryDistinctCdrOnceUnderItsOwnKeyWhoeverProducedIt() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Files.createDirectories(WORK);
            // Windows long enough that no CDR of the (2023-2024) corpus is deleted while the test runs.
            Path policy = WORK.resolve("policy.yaml");
            Files.writeString(policy, "version: 1\nwindows: {billing: 3650d, analytics: 3650d}\n");
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("retention.policy.file", policy.toString());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-foreign");
            settings.put("state.dir", WORK.resolve("state").toString());
            settings.put("source.pbx-forked.format", "asterisk-csv");
            settings.put("source.pbx-forked.region", "DE");
            settings.put("source.pbx-forked.zone", "Europe/Berlin");
            settings.put("source.fs-shared.format", "freeswitch-csv");
            settings.put("source.fs-shared.region", "GB");
            settings.put("source.fs-shared.zone", "Europe/London");
            PipelineConfig config = PipelineConfig.of(settings);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.of(config)));
            }
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .collect(Collectors.joining()));

            List<Unit> corpus = corpus();
            long perLoad = corpus.size();
            try (PipelineApp app = Pipelines.app(config, KeyRing.random("foreign", Instant.EPOCH))) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                for (Unit.File f : files()) {
                    Path p = WORK.resolve(f.name().replace('/', '_'));
                    Files.write(p, f.bytes());
                    assertThat(CdrPipelineCli.execute("produce", "--config", conf.toString(), "--format", f.format().id(),
                            "--source", f.source(), p.toString())).isZero();
                }
                foreign(kafka.bootstrapServers(), corpus, null);
                foreign(kafka.bootstrapServers(), corpus, new Random(8));
                await().atMost(Duration.ofSeconds(90)).until(() -> app.metrics().read() >= 3 * perLoad);
                Map<String, List<BillingRecord>> billing = new HashMap<>();
                long rejected = countRejectedAndReadBilling(kafka.bootstrapServers(), billing,
                        () -> app.metrics().read() - app.metrics().duplicates());
                // The totals can match while work is still in flight (outputs of records already counted, not yet
                // committed): stop the app, which commits everything it processed, and read everything again.
                long duplicates = app.metrics().duplicates();
                app.close();
                billing.clear();
                rejected = readAll(kafka.bootstrapServers(), billing);
                long billed = billing.values().stream().mapToLong(List::size).sum();

                assertThat(billing.values()).as("each distinct CDR once, under its own key").allSatisfy(v -> assertThat(v).hasSize(1));
                for (var fixture : SHARED_ID_FIXTURES.entrySet()) {
                    String source = fixture.getKey().startsWith("asterisk") ? "pbx-forked" : "fs-shared";
                    assertThat(billing.keySet().stream().filter(k -> k.startsWith(source + ":")))
                            .as("%s: CDRs sharing a switch id keep their own keys", fixture.getKey())
                            .hasSize(fixture.getValue());
                    assertThat(billing.entrySet().stream().filter(e -> e.getKey().startsWith(source + ":"))
                            .filter(e -> e.getValue().get(0).getSwitchIdReused()))
                            .as("%s: the later CDRs of a shared id are flagged", fixture.getKey())
                            .hasSize(fixture.getValue() / 2);
                }
                assertThat(app.metrics().switchIdReused()).isEqualTo(3);
                assertThat(3 * perLoad).as("in = billing + rejected + duplicates")
                        .isEqualTo(billed + rejected + duplicates);
                assertThat(rejected % 3).as("each bad record rejected once per load").isZero();
                assertThat(duplicates).as("every copy of the second and third load dropped")
                        .isGreaterThanOrEqualTo(2 * (perLoad - rejected / 3));
            }
        }
    }

    /** A plain producer that is not ours: null keys (the client spreads them) or random keys. */
    private static void foreign(String bootstrap, List<Unit> corpus, Random keys) {
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Unit u : corpus) {
                RecordHeaders h = new RecordHeaders();
                h.add(CdrHeaders.FORMAT, u.format().id().getBytes(StandardCharsets.UTF_8));
                h.add(CdrHeaders.SOURCE, u.source().getBytes(StandardCharsets.UTF_8));
                byte[] key = null;
                if (keys != null) {
                    key = new byte[16];
                    keys.nextBytes(key);
                }
                p.send(new ProducerRecord<>("cdr.raw", null, key, u.bytes(), h));
            }
            p.flush();
        }
    }

    /** Reads billing (read_committed) into {@code billing} by key until billing + rejected = read − duplicates; returns the rejected count. */
    /** Every committed billing record by key, and the number of rejected records. */
    private static long readAll(String bootstrap, Map<String, List<BillingRecord>> billing) {
        long[] rejected = {0};
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicReader.readWhole(c, "cdr.billing", r -> {
                if (!KeepAlive.isKeepAlive(r.key())) {
                    billing.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                            .add(Topics.billingSerde().decode(r.value()));
                }
            });
            TopicReader.readWhole(c, "cdr.rejected", r -> rejected[0]++);
        }
        return rejected[0];
    }

    private static long countRejectedAndReadBilling(String bootstrap, Map<String, List<BillingRecord>> billing,
            java.util.function.LongSupplier expectedOut) {
        long[] rejected = {0};
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            billing.clear();
            rejected[0] = readAll(bootstrap, billing);
            // Moved copies reach dedupe only after the repartition hop: what is out must reach what is not a duplicate.
            return billing.values().stream().mapToLong(List::size).sum() + rejected[0] >= expectedOut.getAsLong();
        });
        return rejected[0];
    }

    private record Unit(byte[] bytes, CdrFormat format, String source) {
        private record File(String name, byte[] bytes, CdrFormat format, String source) {
        }
    }

    private static List<Unit.File> files() throws Exception {
        List<Unit.File> files = new ArrayList<>();
        files.add(new Unit.File("asterisk-forked.csv", fixture("asterisk-forked.csv"), CdrFormat.ASTERISK_CSV, "pbx-forked"));
        files.add(new Unit.File("freeswitch-shared-uuid.csv", fixture("freeswitch-shared-uuid.csv"), CdrFormat.FREESWITCH_CSV,
                "fs-shared"));
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            files.add(new Unit.File(f.path(), f.bytes(), f.format(), f.source()));
        }
        return files;
    }

    private static List<Unit> corpus() throws Exception {
        List<Unit> units = new ArrayList<>();
        for (Unit.File f : files()) {
            CdrFiles.split(f.bytes(), f.format(), piece -> units.add(new Unit(piece.bytes(), f.format(), f.source())));
        }
        return units;
    }

    private static byte[] fixture(String name) throws Exception {
        try (InputStream in = ForeignProducersEndToEndTest.class.getResourceAsStream("/fixtures/switch-variants/" + name)) {
            return in.readAllBytes();
        }
    }
}
