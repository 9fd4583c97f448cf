package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.normalize.ParseOutcome;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.produce.CdrFiles;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.topology.Topics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path on a real broker: a mixed corpus (every format, resends, bad lines, binary
 * garbage, an oversized record) loaded with the {@code produce} command, processed with
 * exactly-once, read back as a billing consumer would ({@code read_committed}).
 */
class EndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-" + System.nanoTime()).toAbsolutePath();
    private static EmbeddedKafka kafka;
    private static PipelineConfig config;

    @BeforeAll
    static void startBroker() throws Exception {
        kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of());
        Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
        settings.put("bootstrap.servers", kafka.bootstrapServers());
        settings.put("application.id", "cdr-e2e");
        settings.put("state.dir", WORK.resolve("state").toString());
        // Windows longer than the samples' age: what is read back does not depend on when the first sweep runs.
        settings.put("retention.policy.file", SampleCorpus.writeRetentionPolicy(WORK).toString());
        config = PipelineConfig.of(settings);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.of(config)));
        }
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldDeliverEveryGoodCdrExactlyOnceAndRejectEveryBadOneOnceWithAReason() throws Exception {
        List<Input> inputs = writeCorpus(WORK.resolve("corpus"));
        KeyRing keys = KeyRing.random("e2e", Instant.EPOCH);
        Expected expected = expect(inputs);

        try (PipelineApp app = Pipelines.app(config, keys)) {
            app.start();
            app.awaitRunning(Duration.ofSeconds(60));
            for (Input in : inputs) {
                int exit = CdrPipelineCli.execute("produce", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile().toString(),
                        "--format", in.format().id(), "--source", in.source(), in.path().toString());
                assertThat(exit).as("produce %s", in.path()).isZero();
            }
            Output out = new Output();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                out.drain();
                return out.billingKeys.size() >= expected.billingIds.size() && out.rejected.size() >= expected.rejected.size()
                        && out.analyticsKeys.size() >= expected.billingIds.size() && app.metrics().read() >= expected.in;
            });
            out.drainUntilQuiet();
            assertThat(out.tombstones).as("nothing deleted: every window is longer than the samples' age").isEmpty();

            assertThat(out.billingKeys).as("each good CDR once in billing").hasSize(expected.billingIds.size())
                    .doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected.billingIds);
            assertThat(out.analyticsKeys).as("each good CDR once in analytics").hasSize(expected.billingIds.size())
                    .doesNotHaveDuplicates();
            // Analytics keys from an HMAC computed here (JDK Mac, the epoch's key), not by the Pseudonymizer.
            byte[] epochKey = keys.epochs().get(0).key();
            assertThat(out.analyticsKeys).containsExactlyInAnyOrderElementsOf(
                    out.billing.stream().map(b -> hmac(epochKey, "record:" + b.getRecordId())).toList());
            // Every field of every billing record of the bundled samples, as reviewed (golden/billing.jsonl).
            Map<String, String> golden = new HashMap<>();
            com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
            for (String line : Files.readAllLines(Path.of("src", "test", "resources", "golden", "billing.jsonl"))) {
                golden.put(json.readTree(line).get("recordId").asText(), line);
            }
            Map<String, String> actual = new HashMap<>();
            for (BillingRecord b : out.billing) {
                if (golden.containsKey(b.getRecordId())) {
                    actual.put(b.getRecordId(), json.writeValueAsString(io.cdrpipeline.serde.AvroJson.toJson(b)));
                }
            }
            assertThat(actual).as("the samples' billing records, field by field").containsExactlyInAnyOrderEntriesOf(golden);
            assertThat(out.rejected).as("each bad record once, with a reason")
                    .containsExactlyInAnyOrderElementsOf(expected.rejected);
            assertThat(app.metrics().duplicates()).isEqualTo(expected.in - expected.billingIds.size() - expected.rejected.size());
            assertThat(out.rejected).anyMatch(r -> r.startsWith("garbage.bin") && r.endsWith("not-text"));
            assertThat(out.rejected).anyMatch(r -> r.endsWith("oversized"));

            assertNoClearNumberIn(out.analyticsBytes.toByteArray(), out.billingBytes.toByteArray(), out.billing);
        }
    }

    @Test
    void shouldFollowAGrowingFileAcrossRotationAndRestartSendingEachLineOnce() throws Exception {
        Path dir = WORK.resolve("follow");
        Files.createDirectories(dir);
        Path csv = dir.resolve("Master.csv");
        Path conf = dir.resolve("follow.properties");
        Files.writeString(conf, "bootstrap.servers=" + kafka.bootstrapServers() + "\ntopic.raw=follow.raw\n"
                + "source.pbx-berlin.region=DE\nsource.pbx-berlin.zone=Europe/Berlin\n");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("follow.raw", 1, (short) 1))).all().get();
        }
        String[] follow = {"produce", "--config", conf.toString(), "--format", "asterisk-csv", "--source", "pbx-berlin",
            "--follow", "--max-idle", "3s", csv.toString()};
        Files.writeString(csv, "l1\nl2\n");
        Thread run = new Thread(() -> CdrPipelineCli.execute(follow));
        run.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> rawValues().size() == 2);
        Files.writeString(csv, "l3\n", java.nio.file.StandardOpenOption.APPEND);
        Files.move(csv, dir.resolve("Master.csv.1"));            // rotation
        Files.writeString(csv, "l4\n");
        run.join(60_000);                                        // stops after 3 s idle
        Files.writeString(csv, "l5\n", java.nio.file.StandardOpenOption.APPEND);   // while no one follows
        assertThat(CdrPipelineCli.execute(follow)).isZero();     // the restart resumes at l5

        assertThat(rawValues()).containsExactly("l1", "l2", "l3", "l4", "l5");
    }

    @Test
    void shouldAcceptWhatModJsonCdrPostsOnlyOnceKafkaHasIt() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("http.raw", 1, (short) 1))).all().get();
        }
        String doc = new String(SampleCorpus.files().stream().filter(f -> f.path().contains("a_7f4d")).findFirst()
                .orElseThrow().bytes(), StandardCharsets.UTF_8);
        var http = java.net.http.HttpClient.newHttpClient();
        String auth = "Basic " + java.util.Base64.getEncoder().encodeToString("fs:s3cret-of-fs-lon".getBytes(StandardCharsets.UTF_8));
        try (io.cdrpipeline.produce.RawProducer producer = new io.cdrpipeline.produce.RawProducer(
                        kafka.bootstrapServers(), "http.raw", Map.of());
                io.cdrpipeline.produce.HttpIngest ingest = new io.cdrpipeline.produce.HttpIngest(
                        io.cdrpipeline.produce.IngestSettings.loopback("fs-lon", 8192, "fs:s3cret-of-fs-lon"), producer)) {
            String url = "http://127.0.0.1:" + ingest.port() + "/cdr?source=fs-lon";
            java.util.function.BiFunction<String, String, Integer> post = (type, body) -> {
                try {
                    var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).header("Authorization", auth)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body));
                    if (type != null) {
                        b.header("Content-Type", type);
                    }
                    return http.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            String form = "application/x-www-form-urlencoded";
            assertThat(post.apply(form, "cdr=" + java.net.URLEncoder.encode(doc, StandardCharsets.UTF_8))).isEqualTo(200);
            assertThat(post.apply("application/json", doc)).isEqualTo(200);
            assertThat(post.apply(form, "cdr=" + java.util.Base64.getEncoder().encodeToString(
                    doc.getBytes(StandardCharsets.UTF_8)))).isEqualTo(200);
            assertThat(post.apply("application/json", "{\"variables\": " + "x".repeat(9000) + "}")).isEqualTo(413);
            assertThat(post.apply("application/json", "not json")).isEqualTo(400);
            assertThat(post.apply(form, "uuid=123")).isEqualTo(400);
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).GET().build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(doc)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        }
        List<ConsumerRecord<byte[], byte[]>> stored = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            io.cdrpipeline.config.TopicReader.readWhole(c, "http.raw", stored::add);
        }
        assertThat(stored).hasSize(3).allSatisfy(r -> {
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(doc);
            assertThat(new String(r.headers().lastHeader("cdr.format").value(), StandardCharsets.UTF_8)).isEqualTo("freeswitch-json");
            assertThat(new String(r.headers().lastHeader("cdr.source").value(), StandardCharsets.UTF_8)).isEqualTo("fs-lon");
        });
    }

    /** The test's pipeline settings as a file, for the CLI commands (source settings included). */
    static java.nio.file.Path configFile() throws java.io.IOException {
        java.nio.file.Path file = WORK.resolve("e2e.properties");
        StringBuilder sb = new StringBuilder();
        config.effective().forEach((k, v) -> {
            if (!v.isEmpty() && !v.equals("******")) {
                sb.append(k).append('=').append(v).append('\n');
            }
        });
        Files.writeString(file, sb.toString());
        return file;
    }

    private static List<String> rawValues() {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            io.cdrpipeline.config.TopicReader.readWhole(c, "follow.raw", r -> values.add(new String(r.value(), StandardCharsets.UTF_8)));
        }
        return values;
    }

    static String hmac(byte[] key, String input) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                    java.util.Arrays.copyOf(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)), 16));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void assertNoClearNumberIn(byte[] analyticsBytes, byte[] billingBytes, List<BillingRecord> billing) {
        String text = new String(analyticsBytes, StandardCharsets.ISO_8859_1);
        String billingText = new String(billingBytes, StandardCharsets.ISO_8859_1);
        PhoneNumberUtil util = PhoneNumberUtil.getInstance();
        Set<String> secrets = new HashSet<>();
        for (BillingRecord b : billing) {
            for (PartyNumber n : List.of(b.getCalling(), b.getCalled())) {
                if (n.getType() == NumberType.E164) {
                    secrets.add(n.getNumber());
                    secrets.add(n.getNumber().substring(1));
                    try {
                        secrets.add(util.getNationalSignificantNumber(util.parse(n.getNumber(), "ZZ")));
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                } else if (n.getNumber() != null && n.getNumber().length() >= 5) {
                    secrets.add(n.getNumber());
                }
            }
            if (b.getAccount() != null) {
                secrets.add(b.getAccount());
            }
        }
        assertThat(secrets).hasSizeGreaterThan(20);
        assertThat(analyticsBytes.length).isGreaterThan(1000);
        // The scanner's positive control: over the billing bytes, where they must be, it finds every one.
        assertThat(secrets).allMatch(s -> billingText.contains(needle(s)));
        for (String s : secrets) {
            assertThat(text).as("analytics bytes must not contain a clear number").doesNotContain(needle(s));
        }
    }

    /**
     * A value of four characters turns up by chance inside the 22-character base64url pseudonyms (one
     * run's "-gtHHAKCoR810042Z9H3wg" held the account "1004"): short values are looked for as a whole
     * Avro string, their zig-zag length byte first, which base64 text never holds.
     */
    private static String needle(String secret) {
        return secret.length() < 5 ? (char) (2 * secret.length()) + secret : secret;
    }

    private record Input(Path path, CdrFormat format, String source) {
    }

    private record Expected(long in, Set<String> billingIds, List<String> rejected) {
    }

    /** What the pipeline must produce, worked out line by line with the same parser, off Kafka. */
    private static Expected expect(List<Input> inputs) throws Exception {
        CdrParser parser = new CdrParser(config.sources(), new Normalizer(new NumberNormalizer(1000)), 262_144);
        long[] in = {0};
        Set<String> ids = new HashSet<>();
        List<String> rejected = new ArrayList<>();
        for (Input i : inputs) {
            CdrFiles.split(Files.readAllBytes(i.path()), i.format(), piece -> {
                in[0]++;
                ParseOutcome o = piece.bytes().length > 512 * 1024
                        ? ParseOutcome.rejected(io.cdrpipeline.ingest.RejectReason.OVERSIZED, "cut", i.source(), null)
                        : parser.parse(piece.bytes(), i.format().id(), i.source());
                if (o.isRejected()) {
                    rejected.add(i.path().getFileName() + ":" + piece.position() + ":" + o.reason().header());
                } else {
                    ids.add(o.record().recordId());
                }
            });
        }
        assertThat(rejected).hasSizeGreaterThan(10);
        assertThat(ids).hasSizeGreaterThan(500);
        return new Expected(in[0], ids, rejected);
    }

    private static List<Input> writeCorpus(Path dir) throws Exception {
        Files.createDirectories(dir);
        List<Input> inputs = new ArrayList<>();
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            Path p = dir.resolve(f.path().replace('/', '_'));
            Files.write(p, f.bytes());
            inputs.add(new Input(p, f.format(), f.source()));
        }
        // The same Master.csv loaded a second time: every line is a resend.
        Path again = dir.resolve("asterisk-master-again.csv");
        Files.copy(dir.resolve("asterisk-master.csv"), again);
        inputs.add(new Input(again, CdrFormat.ASTERISK_CSV, "pbx-berlin"));
        // Synthetic traffic with resends and impossible lines.
        io.cdrpipeline.demo.TrafficGenerator gen = new io.cdrpipeline.demo.TrafficGenerator(7, 300, 1.1, 0.05, 0.01);
        ByteArrayOutputStream traffic = new ByteArrayOutputStream();
        for (int i = 0; i < 1500; i++) {
            traffic.write(gen.next());
            traffic.write('\n');
        }
        Path synth = dir.resolve("synth.csv");
        Files.write(synth, traffic.toByteArray());
        inputs.add(new Input(synth, CdrFormat.ASTERISK_CSV, "pbx-synth"));
        // Hostile input: binary garbage, a line over the pipeline's limit, one over the producer's.
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        Path bin = dir.resolve("garbage.bin");
        Files.write(bin, garbage);
        inputs.add(new Input(bin, CdrFormat.ASTERISK_CSV, "pbx-berlin"));
        Path huge = dir.resolve("huge.csv");
        Files.writeString(huge, "\"" + "9".repeat(300_000) + "\"\n\"" + "8".repeat(700_000) + "\"\n");
        inputs.add(new Input(huge, CdrFormat.ASTERISK_CSV, "pbx-berlin"));
        return inputs;
    }

    /** A read_committed consumer over billing, analytics and rejected, from the beginning. */
    private static final class Output {
        final List<String> billingKeys = new ArrayList<>();
        final List<BillingRecord> billing = new ArrayList<>();
        final List<String> analyticsKeys = new ArrayList<>();
        final List<String> rejected = new ArrayList<>();
        final List<String> tombstones = new ArrayList<>();
        final ByteArrayOutputStream analyticsBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream billingBytes = new ByteArrayOutputStream();
        private final KafkaConsumer<byte[], byte[]> consumer;

        Output() {
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : List.of("cdr.billing", "cdr.analytics", "cdr.rejected")) {
                consumer.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }

        int drain() {
            int n = 0;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                n++;
                String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                if (io.cdrpipeline.retention.KeepAlive.isKeepAlive(key)) {
                    continue;
                }
                if (r.value() == null) {
                    tombstones.add(r.topic() + ":" + key);
                    continue;
                }
                switch (r.topic()) {
                    case "cdr.billing" -> {
                        billingKeys.add(key);
                        billing.add(Topics.billingSerde().decode(r.value()));
                        billingBytes.writeBytes(r.value());
                    }
                    case "cdr.analytics" -> {
                        analyticsKeys.add(key);
                        analyticsBytes.writeBytes(r.key());
                        analyticsBytes.writeBytes(r.value());
                        r.headers().forEach(h -> analyticsBytes.writeBytes(h.value()));
                    }
                    default -> rejected.add(header(r, "cdr.file") + ":" + header(r, "cdr.line") + ":"
                            + header(r, "cdr.error.class"));
                }
            }
            return n;
        }

        /** Reads until the log end of every partition has been reached, then stops. */
        void drainUntilQuiet() {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                drain();
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
            consumer.close();
        }

        private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
            var h = r.headers().lastHeader(name);
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }
    }
}
