package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.topology.Topics;
import io.cdrpipeline.topology.TopicSpecs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * One subject, spelled as switches and operators spell it: a GB switch logs {@code 07700900928}
 * (a reserved drama range libphonenumber does not list) and {@code +447700900928}, a US switch
 * dials {@code 011447700900928}. {@code erase} with {@code +447700900928}, {@code 00447700900928}
 * and {@code 07700900928 --source gb-pbx} files the same token each time, and the subject's
 * records — all three — are deleted from billing and analytics, while another subject's stay.
 */
class EraseSpellingsEndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-erase-" + System.nanoTime());

    @Test
    void shouldEraseOneSubjectWhateverSpellingTheSwitchesAndTheOperatorUsed() throws Exception {
        // A cleaner that runs often, as in ErasureEndToEndTest: the erasure budget below is seconds.
        Map<String, String> brokerOverrides = Map.of("log.cleaner.backoff.ms", "200",
                "log.retention.check.interval.ms", "500", "log.cleaner.dedupe.buffer.size", "2097152");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, brokerOverrides)) {
            Files.createDirectories(WORK);
            Path keys = WORK.resolve("keys.properties");
            assertThat(CdrPipelineCli.execute("keys", "--out", keys.toString(), "--epoch", "e1",
                    "--not-before", "2000-01-01T00:00:00Z")).isZero();
            Path policyFile = WORK.resolve("policy.yaml");
            // Records kept for years, erasure within 12 s: only an erasure can delete them in this test.
            Files.writeString(policyFile, "version: 1\nsweep-interval: 1s\nmax-erasure-delay: 12s\n"
                    + "windows: {raw: 4s, rejected: 4s, billing: 3650d, analytics: 3650d, audit: 1h}\n");
            Map<String, String> settings = new HashMap<>();
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-erase-spellings");
            settings.put("state.dir", WORK.resolve("state").toString());
            settings.put("retention.policy.file", policyFile.toString());
            settings.put("pseudonym.key.file", keys.toString());
            settings.put("pseudonym.key.mode", "static");
            settings.put("source.gb-pbx.region", "GB");
            settings.put("source.gb-pbx.zone", "Europe/London");
            settings.put("source.us-pbx.region", "US");
            settings.put("source.us-pbx.zone", "America/New_York");
            PipelineConfig config = PipelineConfig.of(settings);
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .collect(Collectors.joining()));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.load(policyFile)));
            }

            try (PipelineApp app = Pipelines.app(config, KeyRing.load(keys), RetentionPolicy.load(policyFile));
                    RawProducer producer = new RawProducer(config)) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                send(producer, "gb-pbx", "201", "07700900928", "1730880000.1");
                send(producer, "us-pbx", "2125550123", "011447700900928", "1730880000.2");
                send(producer, "gb-pbx", "+447700900928", "02079460123", "1730880000.3");
                send(producer, "gb-pbx", "201", "02079460456", "1730880000.4");
                send(producer, "us-pbx", "2125550199", "2125550100", "1730880000.5", "acct-9");
                producer.flush();

                Map<String, BillingRecord> before = await().atMost(Duration.ofSeconds(60))
                        .until(() -> latest(kafka.bootstrapServers(), "cdr.billing"), m -> m.size() == 5);
                List<String> subject = new ArrayList<>();
                before.forEach((key, b) -> {
                    if ("+447700900928".equals(b.getCalling().getNumber()) || "+447700900928".equals(b.getCalled().getNumber())) {
                        subject.add(key);
                    }
                });
                assertThat(subject).as("the subject's three records, read as one E.164 number").hasSize(3);

                // Subject access (issue 9, point 8): every spelling finds all three records, from both sources,
                // and nothing of anyone else; an account finds its one record; each answer files a receipt.
                for (String[] spelling : List.of(new String[] {"--subject", "+447700900928"},
                        new String[] {"--subject", "011447700900928", "--source", "us-pbx"},
                        new String[] {"--subject", "07700900928", "--source", "gb-pbx"})) {
                    Path export = WORK.resolve("access-" + System.nanoTime() + ".jsonl");
                    List<String> args = new ArrayList<>(List.of("access", "--config", conf.toString(), "--out",
                            export.toString(), "--case", "SAR-1"));
                    args.addAll(List.of(spelling));
                    assertThat(CdrPipelineCli.execute(args.toArray(String[]::new))).isZero();
                    assertThat(recordIds(export)).as("access %s", List.of(spelling)).containsExactlyInAnyOrderElementsOf(subject);
                    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(export)))
                            .isEqualTo("rw-------");
                }
                Path csv = WORK.resolve("access-account.csv");
                assertThat(CdrPipelineCli.execute("access", "--config", conf.toString(), "--account", "acct-9",
                        "--format", "csv", "--out", csv.toString())).isZero();
                List<String> rows = Files.readAllLines(csv);
                assertThat(rows).hasSize(2);
                assertThat(rows.get(0)).startsWith("record_id,source,account,");
                assertThat(rows.get(1)).startsWith("\"us-pbx:1730880000.5").endsWith(",ANSWERED,,,ORIGINATING,subject")
                        .contains("acct-9", "+12125550199", "2024-11-06T14:00:00Z");
                List<io.cdrpipeline.schema.AuditReceipt> accessReceipts = new ArrayList<>();
                List<String> auditBytes = new ArrayList<>();
                try (KafkaConsumer<byte[], byte[]> c = consumer(kafka.bootstrapServers())) {
                    TopicReader.readWhole(c, "cdr.audit", r -> {
                        auditBytes.add(new String(r.key(), StandardCharsets.ISO_8859_1) + new String(r.value(), StandardCharsets.ISO_8859_1));
                        var receipt = Topics.auditSerde().decode(r.value());
                        if (receipt.getReason() == io.cdrpipeline.schema.DeletionReason.ACCESS_REQUEST) {
                            accessReceipts.add(receipt);
                        }
                    });
                }
                // The audit topic has several partitions: receipts in any order.
                assertThat(accessReceipts).extracting(r -> r.getCount() + "/" + r.getCaseReference())
                        .containsExactlyInAnyOrder("3/SAR-1", "3/SAR-1", "3/SAR-1", "1/null");
                // No PII on the receipts: neither the number in any spelling, nor the account, nor a record id.
                assertThat(String.join("\n", auditBytes)).doesNotContain("7700900928", "acct-9", "1730880000");
                assertThat(before.values()).allSatisfy(b -> assertThat(b.getCalled().getType()).isEqualTo(NumberType.E164));

                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", "07700900928"))
                        .as("a national spelling needs --source or --region").isEqualTo(2);
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", "+447700900928")).isZero();
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", "00447700900928")).isZero();
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", "07700900928",
                        "--source", "gb-pbx")).isZero();
                // Three sealed requests; the pipeline resolves them to one token (the subject's, under epoch e1).
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    List<String> onTopic = new ArrayList<>();
                    try (KafkaConsumer<byte[], byte[]> c = consumer(kafka.bootstrapServers())) {
                        TopicReader.readWhole(c, "cdr.erasure-requests", r -> onTopic.add(new String(r.key(), StandardCharsets.UTF_8)));
                    }
                    assertThat(onTopic).filteredOn(io.cdrpipeline.retention.ControlKeys::isSealedRequest).hasSize(3);
                    assertThat(onTopic).filteredOn(io.cdrpipeline.retention.ControlKeys::isToken).as("three requests, one token")
                            .isNotEmpty().containsOnly(onTopic.stream().filter(io.cdrpipeline.retention.ControlKeys::isToken)
                                    .findFirst().orElseThrow());
                });
                // Requests keep a code and a case id, never free text.
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", "+447700900928",
                        "--reason", "she called on 07700900928 and asked")).isEqualTo(2);
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", "+447700900928",
                        "--case", "Jane Roe's ticket")).isEqualTo(2);
                assertThat(CdrPipelineCli.execute("hold", "--config", conf.toString(), "--account", "acct-1", "--id", "h1",
                        "--reason", "bill contested by Jane")).isEqualTo(2);
                List<io.cdrpipeline.schema.ErasureRequest> requests = new ArrayList<>();
                try (KafkaConsumer<byte[], byte[]> c = consumer(kafka.bootstrapServers())) {
                    TopicReader.readWhole(c, "cdr.erasure-requests", r -> {
                        if (io.cdrpipeline.retention.ControlKeys.isSealedRequest(new String(r.key(), StandardCharsets.UTF_8))) {
                            requests.add(new io.cdrpipeline.serde.AvroSerde<>(io.cdrpipeline.schema.ErasureRequest.class,
                                    io.cdrpipeline.schema.ErasureRequest.getClassSchema()).decode(r.value()));
                        }
                    });
                }
                assertThat(requests).hasSize(3).allSatisfy(r -> {
                    assertThat(r.getReasonCode()).isEqualTo(io.cdrpipeline.schema.ErasureReason.SUBJECT_REQUEST);
                    assertThat(r.getCaseReference()).isNull();
                });

                Map<String, BillingRecord> after = await().atMost(Duration.ofSeconds(60))
                        .until(() -> latest(kafka.bootstrapServers(), "cdr.billing"),
                                m -> subject.stream().allMatch(k -> m.containsKey(k) && m.get(k) == null));
                assertThat(after.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey))
                        .as("only the other subjects' records are left").hasSize(2).doesNotContainAnyElementsOf(subject);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(latestAnalyticsAlive(kafka.bootstrapServers())).isEqualTo(2));
                Path gone = WORK.resolve("access-after-erasure.jsonl");
                assertThat(CdrPipelineCli.execute("access", "--config", conf.toString(), "--subject", "+447700900928",
                        "--out", gone.toString())).isZero();
                assertThat(recordIds(gone)).as("an erased subject has nothing left to give").isEmpty();
                // An account, erased as a command on the broker: its one record goes, the last one stays.
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--account", "acct-9",
                        "--case", "SAR-2")).isZero();
                Map<String, BillingRecord> afterAccount = await().atMost(Duration.ofSeconds(60))
                        .until(() -> latest(kafka.bootstrapServers(), "cdr.billing"),
                                m -> m.entrySet().stream().filter(e -> e.getValue() != null).count() == 1);
                assertThat(afterAccount.entrySet().stream().filter(e -> e.getValue() != null).map(Map.Entry::getKey))
                        .singleElement().asString().startsWith("gb-pbx:1730880000.4");

                // Issue 9's acceptance: no traffic since the erasure. Within the bound `retention check` prints, no
                // byte of the erased subject — its number in any spelling (all contain its national significant
                // number), its analytics pseudonym, its records' ids — is left in any record of any owned topic,
                // in the broker's files, or in the state directory; other subjects' data is still there.
                var pseudonymizer = new io.cdrpipeline.pseudonymize.Pseudonymizer(KeyRing.load(keys),
                        new io.cdrpipeline.pseudonymize.NumberFacts(10));
                java.util.Set<String> erased = new java.util.HashSet<>(List.of("7700900928"));
                java.util.Set<String> erasedState = new java.util.HashSet<>(subject);
                for (String key : subject) {
                    var a = pseudonymizer.pseudonymize(before.get(key));
                    for (var party : List.of(a.getCalling(), a.getCalled())) {
                        if ("GB".equals(party.getRegion())) {
                            erased.add(party.getPseudonym());
                        }
                    }
                    erasedState.add(new String(java.util.Base64.getUrlDecoder().decode(a.getPseudoRecordId()),
                            StandardCharsets.ISO_8859_1));
                }
                assertThat(erased).hasSizeGreaterThanOrEqualTo(2);
                java.util.Set<String> retained = java.util.Set.of("2079460456");
                assertThat(Scanners.filesContaining(WORK, java.util.Set.of("7700900928")))
                        .as("positive control: the access exports hold the subject's number").isNotEmpty();
                assertThat(Scanners.filesContaining(WORK.resolve("broker"), retained))
                        .as("positive control: another subject's number is on the broker's disk").isNotEmpty();
                List<String> owned = Scanners.ownedTopics(kafka.bootstrapServers(), config.applicationId());
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), owned, erased)).as("records").isEmpty();
                    assertThat(Scanners.filesContaining(WORK.resolve("broker"), erased)).as("broker files").isEmpty();
                    assertThat(Scanners.filesContaining(WORK.resolve("state"), erasedState)).as("state directory").isEmpty();
                });
                assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), List.of("cdr.billing"), retained))
                        .as("the other subjects' records stay").isNotEmpty();
                assertThat(CdrPipelineCli.execute("retention", "check", "--config", conf.toString())).isZero();
                // A migrated task's old state directory lingers for state.cleanup.delay.ms: an hour exceeds 12 s.
                Path lingering = WORK.resolve("lingering.properties");
                Files.writeString(lingering, Files.readString(conf) + "kafka.state.cleanup.delay.ms=3600000\n");
                assertThat(CdrPipelineCli.execute("retention", "check", "--config", lingering.toString())).isEqualTo(1);
                app.close();
                assertThat(Scanners.filesContaining(WORK.resolve("state"), erasedState)).as("after a clean stop").isEmpty();
            }
        }
    }

    private static void send(RawProducer producer, String source, String calling, String called, String uniqueId) {
        send(producer, source, calling, called, uniqueId, "");
    }

    private static void send(RawProducer producer, String source, String calling, String called, String uniqueId,
            String account) {
        String line = String.join(",", "\"" + account + "\"", "\"" + calling + "\"", "\"" + called + "\"", "\"from-internal\"", "\"\"",
                "\"PJSIP/a-1\"", "\"PJSIP/b-2\"", "\"Dial\"", "\"\"", "\"2024-11-06 09:00:00\"", "\"2024-11-06 09:00:05\"",
                "\"2024-11-06 09:01:05\"", "65", "60", "\"ANSWERED\"", "\"BILLING\"", "\"" + uniqueId + "\"", "\"\"");
        producer.send(line.getBytes(StandardCharsets.UTF_8), CdrFormat.ASTERISK_CSV, source, null, 0);
    }

    /** The record ids of an access export (JSON lines). */
    private static List<String> recordIds(Path export) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(export)) {
            ids.add(json.readTree(line).get("recordId").asText());
        }
        return ids;
    }

    /** Each key's latest value (null for a tombstone), read_committed. */
    private static Map<String, BillingRecord> latest(String bootstrap, String topic) {
        Map<String, BillingRecord> m = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            TopicReader.readWhole(c, topic, r -> {
                if (!KeepAlive.isKeepAlive(r.key())) {
                    m.put(new String(r.key(), StandardCharsets.UTF_8), r.value() == null ? null : Topics.billingSerde().decode(r.value()));
                }
            });
        }
        return m;
    }

    private static long latestAnalyticsAlive(String bootstrap) {
        Map<String, Boolean> alive = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
            TopicReader.readWhole(c, "cdr.analytics", r -> {
                if (!KeepAlive.isKeepAlive(r.key())) {
                    alive.put(new String(r.key(), StandardCharsets.UTF_8), r.value() != null);
                }
            });
        }
        return alive.values().stream().filter(v -> v).count();
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
