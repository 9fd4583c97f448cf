package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.app.PipelineRuntime;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.topology.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * Issue 21's acceptance on the broker, as operators run it: two {@code run} runtimes in master-key
 * mode (standby replicas on), key epochs on both sides of a month boundary, a GB switch whose file
 * holds one subject 15 times. The officer erases the subject while both run, holding no key. Then
 * the switch resends the file, a producer that is not ours resends it under its own keys, and five
 * new CDRs of the subject arrive. Within the bound: no billing record of an erased CDR and no
 * analytics record of the subject on either instance, {@code access} returns exactly the new CDRs,
 * and no erased record's bytes are left in any owned topic, the broker's files, or either
 * instance's state directory (standbys included).
 */
class ErasureInProductionEndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-erasure-production-" + System.nanoTime()).toAbsolutePath();
    private static final String SUBJECT = "+447700900123";

    @Test
    void shouldKeepAnErasedSubjectErasedOnEveryInstanceWhateverArrivesAfterwards() throws Exception {
        Map<String, String> brokerOverrides = Map.of("log.cleaner.backoff.ms", "200",
                "log.retention.check.interval.ms", "500", "log.cleaner.dedupe.buffer.size", "2097152");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, brokerOverrides)) {
            Files.createDirectories(WORK);
            Path policyFile = WORK.resolve("policy.yaml");
            // Records kept for years: only the erasure can delete them here; its bytes must go within 12 s.
            Files.writeString(policyFile, "version: 1\nsweep-interval: 1s\nmax-erasure-delay: 12s\n"
                    + "windows: {raw: 4s, rejected: 4s, billing: 3650d, analytics: 3650d, audit: 1h}\n");
            Map<String, String> ops = new HashMap<>();
            ops.put("bootstrap.servers", kafka.bootstrapServers());
            ops.put("application.id", "cdr-production");
            ops.put("retention.policy.file", policyFile.toString());
            ops.put("source.gb-pbx.region", "GB");
            ops.put("source.gb-pbx.zone", "Europe/London");
            Path opsConf = write(WORK.resolve("ops.properties"), ops);
            byte[] master = new byte[32];
            new SecureRandom().nextBytes(master);
            Path masterFile = WORK.resolve("master.key");
            Files.writeString(masterFile, Base64.getEncoder().encodeToString(master) + "\n");
            Files.setPosixFilePermissions(masterFile, PosixFilePermissions.fromString("rw-------"));
            PipelineConfig a = instance(ops, masterFile, "a");
            PipelineConfig b = instance(ops, masterFile, "b");
            RetentionPolicy policy = RetentionPolicy.load(policyFile);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(a, policy));
            }
            KeyVault vault = new KeyVault(master);
            // The epochs of October and November 2024, as a pipeline running then made them.
            try (KeyService then = new KeyService(a, vault, policy)) {
                then.load(Instant.parse("2024-10-20T00:00:00Z"));
            }

            CompletableFuture<PipelineRuntime> startA = CompletableFuture.supplyAsync(() -> start(a));
            CompletableFuture<PipelineRuntime> startB = CompletableFuture.supplyAsync(() -> start(b));
            try (PipelineRuntime runA = startA.get(); PipelineRuntime runB = startB.get();
                    RawProducer ours = new RawProducer(a)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> runA.state() == KafkaStreams.State.RUNNING
                        && runB.state() == KafkaStreams.State.RUNNING);
                KeyRing ring;
                try (KeyService reader = new KeyService(a, vault, policy)) {
                    ring = reader.load(Instant.now());
                }
                assertThat(ring.epochs()).extracting(e -> e.id()).contains("2024-10", "2024-11");

                List<String> file = file();
                file.forEach(line -> ours.send(line.getBytes(StandardCharsets.UTF_8), CdrFormat.ASTERISK_CSV, "gb-pbx", null, 0));
                ours.flush();
                Map<String, BillingRecord> before = await().atMost(Duration.ofSeconds(60))
                        .until(() -> latestBilling(kafka.bootstrapServers()), m -> m.size() == 30);
                Set<String> erased = before.entrySet().stream().filter(e -> ofSubject(e.getValue())).map(Map.Entry::getKey)
                        .collect(Collectors.toSet());
                assertThat(erased).hasSize(15);
                Pseudonymizer p = new Pseudonymizer(ring, new NumberFacts(10));
                Set<String> erasedAnalytics = new HashSet<>();
                Set<String> subjectPseudonyms = new HashSet<>();
                for (String key : erased) {
                    AnalyticsRecord r = p.pseudonymize(before.get(key));
                    erasedAnalytics.add(r.getPseudoRecordId());
                    for (var party : List.of(r.getCalling(), r.getCalled())) {
                        // In the subject's CDRs the other party is an extension: the one E.164 party is the subject.
                        if (party.getType() == io.cdrpipeline.schema.NumberType.E164) {
                            subjectPseudonyms.add(party.getPseudonym());
                        }
                    }
                }
                assertThat(before.values().stream().filter(this::ofSubject).map(r -> p.pseudonymize(r).getKeyEpoch()))
                        .as("the subject's CDRs fall into both epochs").contains("2024-10", "2024-11");
                assertThat(subjectPseudonyms).as("one pseudonym per epoch").hasSize(2);
                await().atMost(Duration.ofSeconds(30)).until(() -> alive(kafka.bootstrapServers(), "cdr.analytics")
                        .containsAll(erasedAnalytics));

                // The officer erases while both instances run, holding no key (once the pipeline published its sealing key).
                await().atMost(Duration.ofSeconds(30)).until(() -> CdrPipelineCli.execute("erase", "--config",
                        opsConf.toString(), "--subject", "07700900123", "--source", "gb-pbx", "--case", "DPO-21") == 0);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Map<String, BillingRecord> now = latestBilling(kafka.bootstrapServers());
                    assertThat(erased).allSatisfy(k -> assertThat(now.get(k)).as("billing %s", k).isNull());
                    assertThat(alive(kafka.bootstrapServers(), "cdr.analytics")).doesNotContainAnyElementsOf(erasedAnalytics);
                });

                // The switch resends the file; a producer that is not ours resends it under its own keys;
                // five new CDRs of the subject arrive.
                file.forEach(line -> ours.send(line.getBytes(StandardCharsets.UTF_8), CdrFormat.ASTERISK_CSV, "gb-pbx", null, 0));
                ours.flush();
                try (KafkaProducer<byte[], byte[]> foreign = new KafkaProducer<>(Map.of("bootstrap.servers",
                        kafka.bootstrapServers()), new ByteArraySerializer(), new ByteArraySerializer())) {
                    for (String line : file) {
                        RecordHeaders h = new RecordHeaders();
                        h.add("cdr.format", "asterisk-csv".getBytes(StandardCharsets.UTF_8));
                        h.add("cdr.source", "gb-pbx".getBytes(StandardCharsets.UTF_8));
                        foreign.send(new ProducerRecord<>("cdr.raw", null, UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8),
                                line.getBytes(StandardCharsets.UTF_8), h)).get();
                    }
                }
                List<String> fresh = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    String line = cdr("201", "07700900123", "2024-11-02 10:0" + i + ":00", "1730541600." + i);
                    ours.send(line.getBytes(StandardCharsets.UTF_8), CdrFormat.ASTERISK_CSV, "gb-pbx", null, 0);
                }
                ours.flush();
                Map<String, BillingRecord> after = await().atMost(Duration.ofSeconds(60))
                        .until(() -> latestBilling(kafka.bootstrapServers()), m -> m.values().stream()
                                .filter(r -> r != null && ofSubject(r)).count() == 5);
                after.forEach((k, r) -> {
                    if (r != null && ofSubject(r)) {
                        fresh.add(k);
                    }
                });
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    Map<String, Double> metrics = sum(scrape(runA.opsPort()), scrape(runB.opsPort()));
                    assertThat(metrics.get("cdr_records_duplicates_total")).as("both resends of all 30").isEqualTo(60.0);
                    assertThat(metrics.get("cdr_records_resent_after_deletion_total")).as("the erased 15, twice").isEqualTo(30.0);
                    assertThat(metrics.get("cdr_records_erased_suppressed_total")).as("the new five").isEqualTo(5.0);
                });
                Map<String, BillingRecord> settled = latestBilling(kafka.bootstrapServers());
                assertThat(erased).allSatisfy(k -> assertThat(settled.get(k)).as("erased %s stays erased", k).isNull());
                assertThat(settled.values().stream().filter(r -> r != null && !ofSubject(r)).count()).isEqualTo(15);
                Set<String> analytics = alive(kafka.bootstrapServers(), "cdr.analytics");
                assertThat(analytics).as("the other callers' analytics records").hasSize(15)
                        .doesNotContainAnyElementsOf(erasedAnalytics);
                assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), List.of("cdr.analytics"), Set.of("7700900123")))
                        .isEmpty();

                Path export = WORK.resolve("access.jsonl");
                assertThat(CdrPipelineCli.execute("access", "--config", opsConf.toString(), "--subject", SUBJECT, "--out",
                        export.toString())).isZero();
                ObjectMapper json = new ObjectMapper();
                List<String> exported = new ArrayList<>();
                for (String line : Files.readAllLines(export)) {
                    exported.add(json.readTree(line).get("recordId").asText());
                }
                assertThat(exported).as("access gives the new CDRs, and only them").containsExactlyInAnyOrderElementsOf(fresh);

                // Within the bound, with traffic after the erasure and none after that: no byte of an erased record.
                Set<String> topicSecrets = new HashSet<>(subjectPseudonyms);
                topicSecrets.addAll(erasedAnalytics);
                topicSecrets.addAll(erased);
                Set<String> stateSecrets = new HashSet<>(erased);
                erasedAnalytics.forEach(id -> stateSecrets.add(new String(Base64.getUrlDecoder().decode(id),
                        StandardCharsets.ISO_8859_1)));
                Set<String> kept = settled.entrySet().stream().filter(e -> e.getValue() != null && !ofSubject(e.getValue()))
                        .map(Map.Entry::getKey).collect(Collectors.toSet());
                for (String instance : List.of("state-a", "state-b")) {
                    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                            Scanners.filesContaining(WORK.resolve(instance), kept)).as("positive control: %s holds the "
                                    + "records it keeps, its standbys' included", instance).hasSizeGreaterThanOrEqualTo(2));
                }
                List<String> owned = Scanners.ownedTopics(kafka.bootstrapServers(), "cdr-production");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), owned, topicSecrets)).as("records").isEmpty();
                    assertThat(Scanners.filesContaining(WORK.resolve("broker"), topicSecrets)).as("broker files").isEmpty();
                    assertThat(Scanners.filesContaining(WORK.resolve("state-a"), stateSecrets)).as("instance a").isEmpty();
                    assertThat(Scanners.filesContaining(WORK.resolve("state-b"), stateSecrets)).as("instance b").isEmpty();
                });
                assertThat(CdrPipelineCli.execute("retention", "check", "--config", opsConf.toString())).isZero();
            }
        }
    }

    private static PipelineRuntime start(PipelineConfig config) {
        try {
            return PipelineRuntime.start(config);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One instance: its own state directory and static member id, a standby of every task on the other. */
    private static PipelineConfig instance(Map<String, String> ops, Path masterFile, String name) throws Exception {
        Map<String, String> c = new HashMap<>(ops);
        c.put("pseudonym.master.key.file", masterFile.toString());
        c.put("state.dir", WORK.resolve("state-" + name).toString());
        c.put("kafka.group.instance.id", "instance-" + name);
        c.put("kafka.num.standby.replicas", "1");
        c.put("kafka.repartition.purge.interval.ms", "200");
        c.put("ops.port", "0");
        c.put("ops.bind", "127.0.0.1");
        return PipelineConfig.of(c);
    }

    /** 30 CDRs of a GB switch: 15 of the subject (logged nationally) around midnight of 31 October 2024, 15 of others. */
    private static List<String> file() {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            String start = i < 8 ? "2024-10-31 23:" + (40 + i) + ":00" : "2024-11-01 00:0" + (i - 8) + ":30";
            lines.add(i % 2 == 0 ? cdr("201", "07700900123", start, "1730418000." + i)
                    : cdr("07700900123", "202", start, "1730418000." + i));
            lines.add(cdr("203", "0207946" + String.format("%04d", i), start, "1730418100." + i));
        }
        return lines;
    }

    private static String cdr(String src, String dst, String start, String uniqueId) {
        Instant begin = java.time.LocalDateTime.parse(start.replace(' ', 'T')).toInstant(java.time.ZoneOffset.UTC);
        java.time.format.DateTimeFormatter f = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .withZone(java.time.ZoneOffset.UTC);
        return String.join(",", "\"\"", "\"" + src + "\"", "\"" + dst + "\"", "\"from-internal\"", "\"\"", "\"PJSIP/a-1\"",
                "\"PJSIP/b-2\"", "\"Dial\"", "\"\"", "\"" + f.format(begin) + "\"", "\"" + f.format(begin.plusSeconds(5)) + "\"",
                "\"" + f.format(begin.plusSeconds(65)) + "\"", "65", "60", "\"ANSWERED\"", "\"BILLING\"", "\"" + uniqueId + "\"",
                "\"\"");
    }

    private boolean ofSubject(BillingRecord r) {
        return SUBJECT.equals(r.getCalling().getNumber()) || SUBJECT.equals(r.getCalled().getNumber());
    }

    /** Billing keys to their latest value (null: a tombstone), read_committed. */
    private static Map<String, BillingRecord> latestBilling(String bootstrap) {
        Map<String, BillingRecord> m = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            TopicReader.readWhole(c, "cdr.billing", r -> {
                if (!KeepAlive.isKeepAlive(r.key())) {
                    m.put(new String(r.key(), StandardCharsets.UTF_8), r.value() == null ? null : Topics.billingSerde().decode(r.value()));
                }
            });
        }
        return m;
    }

    /** The keys of a compacted topic whose latest value is a record. */
    private static Set<String> alive(String bootstrap, String topic) {
        Map<String, Boolean> m = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            TopicReader.readWhole(c, topic, r -> {
                if (!KeepAlive.isKeepAlive(r.key())) {
                    m.put(new String(r.key(), StandardCharsets.UTF_8), r.value() != null);
                }
            });
        }
        return m.entrySet().stream().filter(Map.Entry::getValue).map(Map.Entry::getKey).collect(Collectors.toSet());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The instance's Prometheus counters (name → value, labels dropped and summed). */
    private static Map<String, Double> scrape(int port) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Map<String, Double> out = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("cdr_")) {
                String name = line.split("[{ ]")[0];
                out.merge(name, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)), Double::sum);
            }
        }
        return out;
    }

    @SafeVarargs
    private static Map<String, Double> sum(Map<String, Double>... instances) {
        Map<String, Double> out = new HashMap<>();
        for (Map<String, Double> m : instances) {
            m.forEach((k, v) -> out.merge(k, v, Double::sum));
        }
        return out;
    }

    private static Path write(Path file, Map<String, String> settings) throws Exception {
        Files.writeString(file, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                .collect(Collectors.joining()));
        return file;
    }
}
