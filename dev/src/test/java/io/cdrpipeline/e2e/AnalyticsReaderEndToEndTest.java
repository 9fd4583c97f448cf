package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.ReleasedSchemas;
import io.cdrpipeline.testing.Prerequisite;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The analysts' page, run as written: its install line's packages, then its command —
 * {@code examples/read_analytics.py} with Debian's {@code /usr/bin/python3} — against a pipeline on
 * a real broker that has analysed the samples, erased one subject (tombstones) and swept every
 * second (keep-alives). The script must print every analytics record, decoded, and every deletion,
 * and no keep-alive; and read a record written with the first released contract.
 */
class AnalyticsReaderEndToEndTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "analytics-reader-" + System.nanoTime()).toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void thePagesReaderPrintsEveryRecordAndEveryDeletionAndNoKeepAlive() throws Exception {
        List<String> page = Files.readAllLines(ROOT.resolve("docs/analytics.md"));
        String install = page.stream().filter(l -> l.contains("apt-get install")).findFirst().orElseThrow();
        assertThat(install).as("the page's install line").contains("python3-avro", "python3-confluent-kafka");
        Prerequisite.require(Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c",
                "import avro.io, confluent_kafka"), Duration.ofSeconds(30)).exit == 0,
                "Python's Avro and Kafka libraries for " + PYTHON + " (Debian: apt-get install python3-avro "
                        + "python3-confluent-kafka; .ci/run installs them)");
        String command = page.stream().filter(l -> l.startsWith("python3 examples/read_analytics.py")).findFirst()
                .orElseThrow().replaceFirst("\\s*>.*$", "");

        Files.createDirectories(WORK);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-analytics-reader");
            settings.put("state.dir", WORK.resolve("state").toString());
            Path policyFile = Files.writeString(WORK.resolve("policy.yaml"),
                    "version: 1\nsweep-interval: 1s\nwindows: {billing: 7300d, analytics: 7300d}\n");
            settings.put("retention.policy.file", policyFile.toString());
            PipelineConfig config = PipelineConfig.of(settings);
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .collect(Collectors.joining()));
            RetentionPolicy policy = RetentionPolicy.load(policyFile);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
                admin.createTopics(List.of(new NewTopic("old.analytics", 1, (short) 1))).all().get();
            }
            try (PipelineApp app = Pipelines.app(config, KeyRing.random("reader", Instant.EPOCH), policy)) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
                    Path p = Files.write(WORK.resolve(f.path().replace('/', '_')), f.bytes());
                    assertThat(CdrPipelineCli.execute("produce", "--config", conf.toString(), "--format", f.format().id(),
                            "--source", f.source(), p.toString())).isZero();
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> analytics(kafka).records.size() >= 16);
                String subject = billedE164(kafka);
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", subject)).isZero();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    Written w = analytics(kafka);
                    return !w.deletions.isEmpty() && w.keepAlives > 0;
                });
            }
            Written written = analytics(kafka);

            List<String> args = new ArrayList<>(List.of(command.replace("kafka-1:9092", kafka.bootstrapServers()).split(" ")));
            args.set(0, PYTHON.toString());
            Result out = run(args, Duration.ofSeconds(120));
            assertThat(out.exit).as(out.output).isZero();
            List<JsonNode> lines = new ArrayList<>();
            for (String l : out.output.lines().toList()) {
                lines.add(JSON.readTree(l));
            }
            assertThat(lines).noneMatch(l -> l.get("key").asText().startsWith("cdr-pipeline#"));
            assertThat(lines.stream().filter(l -> l.has("deleted")).map(l -> l.get("key").asText()).toList())
                    .as("every deletion").containsExactlyInAnyOrderElementsOf(written.deletions);
            List<JsonNode> records = lines.stream().filter(l -> l.has("record")).toList();
            assertThat(records.stream().map(l -> l.get("key").asText()).toList()).as("every record")
                    .containsExactlyInAnyOrderElementsOf(written.records.keySet());
            assertThat(records).hasSize(lines.size() - written.deletions.size()).allSatisfy(l -> {
                AnalyticsRecord a = written.records.get(l.get("key").asText());
                JsonNode r = l.get("record");
                assertThat(r.get("pseudoRecordId").asText()).isEqualTo(a.getPseudoRecordId());
                assertThat(r.get("keyEpoch").asText()).isEqualTo(a.getKeyEpoch());
                assertThat(r.get("calling").get("type").asText()).isEqualTo(a.getCalling().getType().toString());
                assertThat(r.get("calling").get("pseudonym").isNull() ? null : r.get("calling").get("pseudonym").asText())
                        .isEqualTo(a.getCalling().getPseudonym());
                assertThat(r.get("billableSeconds").asLong()).isEqualTo(a.getBillableSeconds());
                assertThat(Instant.parse(r.get("startMinute").asText().replace("+00:00", "Z"))).isEqualTo(a.getStartMinute());
            });

            // A record of the first released contract, read with the newest.
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("old.analytics", "old", firstVersion(Instant.parse("2026-03-01T10:00:00Z"))))
                        .get();
            }
            List<String> old = new ArrayList<>(args);
            old.addAll(List.of("--topic", "old.analytics", "--group", "analytics-old"));
            Result v1 = run(old, Duration.ofSeconds(120));
            assertThat(v1.exit).as(v1.output).isZero();
            JsonNode r = JSON.readTree(v1.output.strip()).get("record");
            assertThat(r.get("pseudoRecordId").asText()).isEqualTo("old");
            assertThat(r.get("calling").get("pseudonym").asText()).isEqualTo("p1");
            assertThat(r.get("calling").get("countryCode").isNull()).as("a field v1 did not have: its default").isTrue();
            assertThat(r.get("billableSeconds").asLong()).isEqualTo(5);
        }
    }

    /** What the pipeline committed to cdr.analytics: the records by key, the deletions, the keep-alives. */
    private record Written(Map<String, AnalyticsRecord> records, List<String> deletions, int keepAlives) {
    }

    private static Written analytics(EmbeddedKafka kafka) {
        Map<String, AnalyticsRecord> records = new HashMap<>();
        List<String> deletions = new ArrayList<>();
        int[] keepAlives = {0};
        try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
            TopicReader.readWhole(c, "cdr.analytics", rec -> {
                if (KeepAlive.isKeepAlive(rec.key())) {
                    keepAlives[0]++;
                } else if (rec.value() == null) {
                    deletions.add(rec.key());
                } else {
                    records.put(rec.key(), Topics.analyticsSerde().decode(rec.value()));
                }
            });
        }
        return new Written(records, deletions, keepAlives[0]);
    }

    private static String billedE164(EmbeddedKafka kafka) {
        List<String> numbers = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = consumer(kafka)) {
            TopicReader.readWhole(c, "cdr.billing", rec -> {
                if (rec.value() != null && !KeepAlive.isKeepAlive(rec.key())) {
                    BillingRecord b = Topics.billingSerde().decode(rec.value());
                    if (b.getCalling().getType() == NumberType.E164) {
                        numbers.add(b.getCalling().getNumber());
                    }
                }
            });
        }
        return numbers.get(0);
    }

    private static KafkaConsumer<String, byte[]> consumer(EmbeddedKafka kafka) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** A record written with the first released AnalyticsRecord. */
    private static byte[] firstVersion(Instant minute) throws Exception {
        Schema v1 = ReleasedSchemas.versionsOf("AnalyticsRecord").get(0);
        Schema party = v1.getField("calling").schema();
        GenericRecord calling = new GenericData.Record(party);
        for (Schema.Field f : party.getFields()) {
            calling.put(f.name(), f.hasDefaultValue() ? GenericData.get().getDefaultValue(f) : null);
        }
        calling.put("pseudonym", "p1");
        calling.put("type", new GenericData.EnumSymbol(party.getField("type").schema(), "E164"));
        GenericRecord r = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            r.put(f.name(), f.hasDefaultValue() ? GenericData.get().getDefaultValue(f) : null);
        }
        r.put("pseudoRecordId", "old");
        r.put("keyEpoch", "2024-01");
        r.put("calling", calling);
        r.put("called", calling);
        r.put("startMinute", minute.toEpochMilli());
        r.put("durationSeconds", 6L);
        r.put("billableSeconds", 5L);
        r.put("disposition", new GenericData.EnumSymbol(v1.getField("disposition").schema(), "ANSWERED"));
        r.put("source", "pbx-old");
        if (v1.getField("legRole") != null) {
            r.put("legRole", new GenericData.EnumSymbol(v1.getField("legRole").schema(), "UNKNOWN"));
        }
        return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(r).array();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> cmd, Duration timeout) throws Exception {
        Path errors = Files.createTempFile(WORK.getParent(), "python-", ".err");
        Process p = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectError(errors.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out + Files.readString(errors));
        }
        return new Result(p.exitValue(), p.exitValue() == 0 ? out : out + Files.readString(errors));
    }
}
