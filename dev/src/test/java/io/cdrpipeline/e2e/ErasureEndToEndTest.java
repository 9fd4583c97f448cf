package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import io.cdrpipeline.pseudonymize.AuditKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.normalize.ParseOutcome;
import io.cdrpipeline.normalize.ClearNumber;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.produce.CdrFiles;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PseudonymousParty;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Invariants 3 and 5 on a real broker: with windows of seconds and aggressive compaction, once
 * the windows close and the log cleaner has run, no topic the pipeline owns — changelogs,
 * repartition and rejected included — holds any of the corpus's numbers or their pseudonyms, and
 * the audit receipts match the deletions one for one. A heartbeat of extension-only CDRs keeps
 * segments rolling, as real traffic would.
 */
class ErasureEndToEndTest {

    private static final Path WORK = Path.of("target", "erasure-e2e-" + System.nanoTime()).toAbsolutePath();

    @Test
    void shouldLeaveNoNumberNorPseudonymInAnyOwnedTopicOnceWindowsCloseAndTheCleanerRuns() throws Exception {
        Map<String, String> brokerOverrides = Map.of("log.cleaner.backoff.ms", "200",
                "log.retention.check.interval.ms", "500", "log.cleaner.dedupe.buffer.size", "2097152");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, brokerOverrides)) {
            Path policyFile = WORK.resolve("policy.yaml");
            Files.writeString(policyFile, """
                    version: 1
                    sweep-interval: 1s
                    max-erasure-delay: 12s
                    windows: {raw: 4s, billing: 4s, analytics: 2s, rejected: 4s, audit: 1h}
                    """);
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-erasure");
            settings.put("state.dir", WORK.resolve("state").toString());
            settings.put("retention.policy.file", policyFile.toString());
            settings.put("kafka.repartition.purge.interval.ms", "200");
            settings.put("source.heartbeat.region", "DE");
            settings.put("source.heartbeat.zone", "UTC");
            PipelineConfig config = PipelineConfig.of(settings);
            RetentionPolicy policy = RetentionPolicy.load(policyFile);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            KeyRing keys = KeyRing.random("e2e", Instant.EPOCH);
            auditKey = io.cdrpipeline.pseudonymize.AuditKey.of(keys).bytes();
            Corpus corpus = corpus(config, keys);
            ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
            try (PipelineApp app = Pipelines.app(config, keys, policy);
                    RawProducer beats = new RawProducer(kafka.bootstrapServers(), "cdr.raw", Map.of())) {
                // A legal hold keeps one account's records past their window: what is retained is on the
                // state directory's disk (the scanner's control there), and is deleted when the hold is released.
                assertThat(CdrPipelineCli.execute("hold", "--config", configFile(settings).toString(), "--account", "acme",
                        "--id", "h1", "--reason", "billing_dispute", "--case", "C-1")).isZero();
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                AtomicLong n = new AtomicLong();
                heartbeat.scheduleAtFixedRate(() -> beat(beats, n.incrementAndGet()), 0, 300, TimeUnit.MILLISECONDS);
                // Counts every committed write per key while it is still there (before compaction).
                Map<String, Integer> writes = new java.util.concurrent.ConcurrentHashMap<>();
                Thread writer = new Thread(() -> countWrites(kafka, writes), "write-counter");
                writer.setDaemon(true);
                writer.start();
                for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
                    Path p = WORK.resolve("input").resolve(f.path().replace('/', '_'));
                    Files.createDirectories(p.getParent());
                    Files.write(p, f.bytes());
                    assertThat(CdrPipelineCli.execute("produce", "--bootstrap-server", kafka.bootstrapServers(),
                            "--config", configFile(settings).toString(),
                            "--format", f.format().id(), "--source", f.source(), p.toString())).isZero();
                    // The same file again from a producer that is not ours (content keys): these copies take the
                    // by-identity repartition hop, so that topic's cleanup is checked too.
                    CdrFiles.split(f.bytes(), f.format(), piece -> beats.send(piece.bytes(), f.format(), f.source(), null, 0));
                }
                beats.flush();
                // The disk scanner's control on the broker itself: the pipeline's billing records are on disk in
                // plain bytes before compaction removes them (they are tombstoned as written: 2024 calls, 4 s window).
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> !Scanners.filesContaining(WORK.resolve("broker"), corpus.secrets).isEmpty());
                // And on the pipeline's own state directory: the held account's records are parked there (the
                // held index is keyed by account; each physical step's purge flushes what is retained to disk).
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                        .until(() -> Scanners.filesContaining(WORK.resolve("state"), corpus.stateSecrets).stream().anyMatch(l -> l.contains("acme")));
                assertThat(CdrPipelineCli.execute("release", "--config", configFile(settings).toString(), "--account", "acme",
                        "--id", "h1")).isZero();
                // From here on no traffic at all: quiet partitions must roll and be cleaned by the
                // pipeline's own keep-alives, not by unrelated CDRs arriving.
                heartbeat.shutdownNow();
                heartbeat.awaitTermination(10, TimeUnit.SECONDS);

                Set<String> wanted = corpus.receiptHashes;
                Map<String, Integer> receipts = new HashMap<>();
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    readAudit(kafka, receipts);
                    return receipts.keySet().containsAll(wanted);
                });
                // A resend arriving after its record was deleted is a new write (the index entry, its
                // dedupe record, went with it) and is deleted again: one receipt per write, not per key.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    readAudit(kafka, receipts);
                    assertThat(wanted).allSatisfy(h -> assertThat(receipts.get(h)).as("receipts of %s", h)
                            .isEqualTo(writes.get(h)));
                });
                writer.interrupt();

                List<String> owned = Scanners.ownedTopics(kafka.bootstrapServers(), config.applicationId());
                assertThat(owned).contains("cdr-erasure-expiry-index-changelog", "cdr-erasure-held-index-changelog",
                        "cdr-erasure-retention-meta-changelog", "cdr-erasure-by-identity-repartition", "cdr.rejected");
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), owned, corpus.secrets)).isEmpty());
                // On disk too: every file of the broker's data directory. The scanner first proves itself on
                // the input files, where the numbers must be (the raw topic is lz4-compressed by our
                // producer, so its bytes would be invisible to it either way; the pipeline's topics are not).
                assertThat(Scanners.filesContaining(WORK.resolve("input"), corpus.secrets)).as("positive control").isNotEmpty();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(Scanners.filesContaining(WORK.resolve("broker"), corpus.secrets)).isEmpty());
                // Issue 21, finding 8: the released hold (account acme) leaves the quiet legal-holds topic too — its
                // records and its files — by the pipeline's keep-alives, with no traffic on it since the release.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), List.of("cdr.legal-holds"), Set.of("acme")))
                            .isEmpty();
                    assertThat(Scanners.filesContaining(WORK.resolve("broker"), Set.of("acme"))).as("broker files").isEmpty();
                });

                assertThat(CdrPipelineCli.execute("retention", "check", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile(settings).toString())).as("generated configs pass").isZero();
                assertThat(CdrPipelineCli.execute("retention", "report", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile(settings).toString())).isZero();
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                    ConfigResource billing = new ConfigResource(ConfigResource.Type.TOPIC, "cdr.billing");
                    admin.incrementalAlterConfigs(Map.of(billing, List.of(new AlterConfigOp(
                            new ConfigEntry("max.compaction.lag.ms", ""), AlterConfigOp.OpType.DELETE)))).all().get();
                }
                assertThat(CdrPipelineCli.execute("retention", "check", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile(settings).toString())).as("a deliberately bad config fails").isEqualTo(1);
                assertThat(CdrPipelineCli.execute("topics", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile(settings).toString(), "--apply")).isZero();
                assertThat(CdrPipelineCli.execute("retention", "check", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile(settings).toString())).as("topics --apply repaired it").isZero();
                // The released holds' topic is checked too, and a lingering file is a delay like any other.
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                    ConfigResource holds = new ConfigResource(ConfigResource.Type.TOPIC, "cdr.legal-holds");
                    admin.incrementalAlterConfigs(Map.of(holds, List.of(new AlterConfigOp(
                            new ConfigEntry("file.delete.delay.ms", "2592000000"), AlterConfigOp.OpType.SET)))).all().get();
                }
                assertThat(CdrPipelineCli.execute("retention", "check", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile(settings).toString())).as("legal holds' file.delete.delay.ms").isEqualTo(1);
                assertThat(CdrPipelineCli.execute("topics", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile(settings).toString(), "--apply")).isZero();
                assertThat(CdrPipelineCli.execute("retention", "check", "--bootstrap-server", kafka.bootstrapServers(),
                        "--config", configFile(settings).toString())).isZero();

                // Issue 9, finding 4: the state directory, while running and after a clean stop. Kafka's own
                // RocksDB store kept deletion markers naming records, accounts and tokens here.
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(Scanners.filesContaining(WORK.resolve("state"), corpus.stateSecrets)).isEmpty());
                app.close();
                assertThat(Scanners.filesContaining(WORK.resolve("state"), corpus.stateSecrets)).as("after a clean stop").isEmpty();
            } finally {
                heartbeat.shutdownNow();
            }
        }
    }

    /** An internal call between extensions (no E.164 number), plus a bad line: keeps every topic's segments rolling. */
    private static void beat(RawProducer beats, long n) {
        long now = System.currentTimeMillis();
        String doc = "{\"id\":\"hb-" + n + "\",\"calling\":\"201\",\"called\":\"202\",\"start\":" + (now - 2000)
                + ",\"end\":" + now + "}";
        beats.send(doc.getBytes(StandardCharsets.UTF_8), CdrFormat.CANONICAL_JSON, "heartbeat", null, 0);
        beats.send("{\"broken\"".getBytes(StandardCharsets.UTF_8), CdrFormat.CANONICAL_JSON, "heartbeat", null, 0);
    }

    /**
     * {@code stateSecrets}: what the retention stores hold of the corpus — record ids, accounts, and the
     * raw bytes of subject tokens and analytics keys (as ISO-8859-1, the scanner's reading of files).
     */
    private record Corpus(Set<String> secrets, Set<String> receiptHashes, Set<String> stateSecrets) {
    }

    /** The corpus's numbers (E.164, digits, national digits), their pseudonyms, and the receipt key hashes to expect. */
    private static Corpus corpus(PipelineConfig config, KeyRing keys) throws Exception {
        CdrParser parser = new CdrParser(config.sources(), new Normalizer(new NumberNormalizer(100)), 262_144);
        Pseudonymizer p = new Pseudonymizer(keys, new NumberFacts(100));
        var util = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        Set<String> secrets = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        Set<String> state = new HashSet<>();
        java.util.Base64.Decoder b64 = java.util.Base64.getUrlDecoder();
        int rejectedNumbers = 0;
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            List<ParseOutcome> outcomes = new ArrayList<>();
            List<byte[]> pieces = new ArrayList<>();
            CdrFiles.split(f.bytes(), f.format(), piece -> {
                pieces.add(piece.bytes());
                outcomes.add(parser.parse(piece.bytes(), f.format().id(), f.source()));
            });
            for (int i = 0; i < outcomes.size(); i++) {
                ParseOutcome o = outcomes.get(i);
                if (o.isRejected()) {
                    // cdr.rejected keeps the line as received: the phone numbers in it (national 0… and
                    // international +… spellings; not the epoch stamps and switch ids) must go too.
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?<![0-9.])(0|\\+)[1-9][0-9]{7,13}(?![0-9])")
                            .matcher(new String(pieces.get(i), StandardCharsets.ISO_8859_1));
                    while (m.find()) {
                        secrets.add(m.group().substring(1));   // without the 0 or +: what every spelling contains
                        rejectedNumbers++;
                    }
                    continue;
                }
                BillingRecord b = o.record().toBilling();
                AnalyticsRecord a = p.pseudonymize(b);
                hashes.add(hash("cdr.billing", b.getRecordId()));
                hashes.add(hash("cdr.analytics", a.getPseudoRecordId()));
                state.add(b.getRecordId());
                // Accounts of four digits or fewer would match by chance in binary files.
                if (b.getAccount() != null && b.getAccount().length() >= 4 && !b.getAccount().matches("\\d{1,6}")) {
                    state.add(b.getAccount());
                }
                state.add(new String(b64.decode(a.getPseudoRecordId()), StandardCharsets.ISO_8859_1));
                p.subjectTokens(b).forEach(t -> state.add(new String(b64.decode(t), StandardCharsets.ISO_8859_1)));
                for (ClearNumber n : List.of(o.record().calling(), o.record().called())) {
                    if (n.type() == NumberType.E164) {
                        secrets.add(n.value().substring(1));
                        secrets.add(util.getNationalSignificantNumber(util.parse(n.value(), "ZZ")));
                    }
                }
                for (PseudonymousParty party : List.of(a.getCalling(), a.getCalled())) {
                    if (party.getType() == NumberType.E164) {
                        secrets.add(party.getPseudonym());
                    }
                }
            }
        }
        assertThat(secrets).hasSizeGreaterThan(20);
        assertThat(rejectedNumbers).as("the rejected lines carry numbers too").isGreaterThanOrEqualTo(2);
        assertThat(state).hasSizeGreaterThan(20);
        return new Corpus(secrets, hashes, state);
    }

    private static void countWrites(EmbeddedKafka kafka, Map<String, Integer> writes) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (String t : List.of("cdr.billing", "cdr.analytics")) {
                c.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                    if (r.value() != null) {
                        writes.merge(hashUnchecked(r.topic(), new String(r.key(), StandardCharsets.UTF_8)), 1, Integer::sum);
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            // the test is done with it
        }
    }

    private static String hashUnchecked(String topic, String key) {
        try {
            return hash(topic, key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void readAudit(EmbeddedKafka kafka, Map<String, Integer> receipts) {
        receipts.clear();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            // A record's receipt: its key hash, or its entry in an aggregated receipt's list.
            io.cdrpipeline.config.TopicReader.readWhole(c, "cdr.audit", r -> {
                io.cdrpipeline.schema.AuditReceipt a = Topics.auditSerde().decode(r.value());
                if (a.getKeyHashes().isEmpty()) {
                    receipts.merge(a.getKeyHash(), 1, Integer::sum);
                } else {
                    // What an auditor holding the audit key checks: the list is the one the pipeline signed.
                    assertThat(a.getKeyHash()).isEqualTo(digestUnchecked(a.getTopic(), a.getKeyHashes()));
                    a.getKeyHashes().forEach(h -> receipts.merge(h, 1, Integer::sum));
                }
            });
        }
    }

    private static Path configFile(Map<String, String> settings) throws Exception {
        Path file = WORK.resolve("pipeline.properties");
        StringBuilder sb = new StringBuilder();
        settings.forEach((k, v) -> sb.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Files.writeString(file, sb.toString());
        return file;
    }

    /** The audit key the pipeline derives from this test's key ring; the HMAC itself is computed here, with the JDK. */
    private static volatile byte[] auditKey;

    /** The documented digest of an aggregated receipt, computed here: HMAC(0x01, topic, 0, hashes joined by ','). */
    private static String digestUnchecked(String topic, java.util.List<String> hashes) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(auditKey, "HmacSHA256"));
            mac.update((byte) 1);
            mac.update(topic.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(String.join(",", hashes).getBytes(StandardCharsets.UTF_8)), 0, 16);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hash(String topic, String key) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(auditKey, "HmacSHA256"));
        mac.update(topic.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return HexFormat.of().formatHex(mac.doFinal(key.getBytes(StandardCharsets.UTF_8)), 0, 16);
    }
}
