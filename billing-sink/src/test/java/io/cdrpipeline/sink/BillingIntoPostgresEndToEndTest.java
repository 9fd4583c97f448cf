package io.cdrpipeline.sink;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.topology.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import io.cdrpipeline.testing.Prerequisite;
import org.junit.jupiter.api.Test;

/**
 * Billing's own tools, end to end: the pipeline on a real broker writes {@code cdr.billing}; the
 * shipped billing sink ({@link BillingSink}: a Kafka Connect 4.4 worker, standalone, in its own JVM,
 * started by {@code bin/billing-sink.sh}) runs Debezium's JDBC sink with our converter and Kafka's
 * transforms into a throwaway PostgreSQL. Rows are upserted by record key; the
 * same files sent again change no row; an erasure and a closed billing window delete rows — the
 * tombstones reach the database. Every assertion is SQL on the table.
 */
class BillingIntoPostgresEndToEndTest {

    private static final Path WORK = Path.of("target", "billing-pg-" + System.nanoTime()).toAbsolutePath();

    @Test
    void billingRowsAreUpsertedByKeyAndDeletedByTheTombstonesOfErasureAndWindowClose() throws Exception {
        Optional<Path> bin = ThrowawayPostgres.binaries();
        Prerequisite.require(bin.isPresent(), "PostgreSQL's initdb and pg_ctl (Debian: apt-get install postgresql; .ci/run installs it)");
        Files.createDirectories(WORK);
        try (ThrowawayPostgres pg = ThrowawayPostgres.start(bin.get());
                EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Path keys = WORK.resolve("keys.properties");
            assertThat(CdrPipelineCli.execute("keys", "--out", keys.toString(), "--epoch", "e1",
                    "--not-before", "2000-01-01T00:00:00Z")).isZero();
            Path policyFile = WORK.resolve("policy.yaml");
            // Billing kept for years — except one switch's, whose window (4 s) has closed when its 2024 calls arrive.
            Files.writeString(policyFile, "version: 1\nsweep-interval: 1s\nmax-erasure-delay: 12s\n"
                    + "windows: {raw: 4s, rejected: 4s, billing: 3650d, analytics: 3650d, audit: 1h}\n"
                    + "billing-overrides:\n  sources: {pbx-paris: 4s}\n");
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-billing-pg");
            settings.put("state.dir", WORK.resolve("state").toString());
            settings.put("retention.policy.file", policyFile.toString());
            settings.put("pseudonym.key.file", keys.toString());
            settings.put("pseudonym.key.mode", "static");
            PipelineConfig config = PipelineConfig.of(settings);
            Path conf = WORK.resolve("pipeline.properties");
            Files.writeString(conf, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                    .collect(Collectors.joining()));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, RetentionPolicy.load(policyFile)));
            }
            try (PipelineApp app = Pipelines.app(config, KeyRing.load(keys), RetentionPolicy.load(policyFile));
                    BillingSink connect = BillingSink.start(WORK.resolve("billing-sink"), kafka.bootstrapServers(),
                            pg.jdbcUrl(), ThrowawayPostgres.USER, "");
                    Connection db = pg.connect()) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));
                produceSamples(kafka, conf);

                // Inserted: every billing record still on the topic is a row, under its record id.
                Map<String, BillingRecord> live = liveBilling(kafka);
                try {
                    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                        live.clear();
                        live.putAll(liveBilling(kafka));
                        return !live.isEmpty() && rows(db, "select count(*) from billing") == live.size();
                    });
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("rows " + rows(db, "select count(*) from billing") + " of " + live.size()
                            + " billing records; the worker's log: " + connect.log(), e);
                }
                assertThat(live.values()).as("the closed window's switch").noneMatch(b -> b.getSource().equals("pbx-paris"));
                assertThat(rows(db, "select count(*) from billing where source = 'pbx-paris'")).as("deleted: window closed")
                        .isZero();
                assertThat(strings(db, "select record_id from billing")).containsExactlyInAnyOrderElementsOf(live.keySet());
                BillingRecord one = live.values().iterator().next();
                assertThat(rows(db, "select count(*) from billing where record_id = '" + one.getRecordId() + "' and "
                        + "calling_type = '" + one.getCalling().getType() + "' and billableseconds = " + one.getBillableSeconds()))
                        .isEqualTo(1);
                // BillingRecord v3 (issue 22): the rated seconds and, apart, what an unanswered call logged.
                assertThat(rows(db, "select count(*) from billing where billablecorrected = false and loggedbillableseconds is null"))
                        .isEqualTo(live.values().stream().filter(b -> !b.getBillableCorrected()).count());
                long inserted = rows(db, "select count(*) from billing");
                long version = rows(db, "select coalesce(sum(xmin::text::bigint), 0) from billing");

                // Resent: the same files again change nothing — no new record on the topic, no row rewritten.
                produceSamples(kafka, conf);
                await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> rows(db, "select count(*) from billing") == inserted
                                && rows(db, "select coalesce(sum(xmin::text::bigint), 0) from billing") == version);

                // Erased: a subject's rows leave the table once the pipeline's tombstones reach the sink.
                String subject = one.getCalling().getType().toString().equals("E164") ? one.getCalling().getNumber()
                        : live.values().stream().filter(b -> b.getCalling().getType().toString().equals("E164")).findFirst()
                                .orElseThrow().getCalling().getNumber();
                long subjects = rows(db, "select count(*) from billing where calling_number = '" + subject
                        + "' or called_number = '" + subject + "'");
                assertThat(subjects).isPositive();
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", subject)).isZero();
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> rows(db,
                        "select count(*) from billing where calling_number = '" + subject + "' or called_number = '" + subject
                                + "'") == 0);
                assertThat(rows(db, "select count(*) from billing")).isEqualTo(inserted - subjects);
                System.out.printf("billing into PostgreSQL: %d rows inserted, resend changed none, erasure of one subject "
                        + "deleted %d, the closed window's switch has none%n", inserted, subjects);

                // Reconciliation (issue 27). Two more subjects, each with rows of their own.
                List<BillingRecord> others = liveBilling(kafka).values().stream()
                        .filter(b -> b.getCalling().getType().toString().equals("E164")).toList();
                BillingRecord byHand = others.get(0);
                String first = byHand.getCalling().getNumber();
                BillingRecord lost = others.stream().filter(b -> !involves(b, first)
                        && !involves(byHand, b.getCalling().getNumber())).findFirst().orElseThrow();
                String second = lost.getCalling().getNumber();
                // A row deleted by hand before its tombstone arrives: gone from the table, then erased on the topic.
                try (Statement st = db.createStatement()) {
                    assertThat(st.executeUpdate("delete from billing where record_id = '" + byHand.getRecordId() + "'"))
                            .isEqualTo(1);
                }
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", first)).isZero();
                await().atMost(Duration.ofSeconds(60)).until(() -> !liveBilling(kafka).containsKey(byHand.getRecordId())
                        && rows(db, "select count(*) from billing where calling_number = '" + first + "' or called_number = '"
                                + first + "'") == 0);
                // A row whose tombstone never reaches the database (the sink is gone, as a filter would leave it).
                connect.close();
                assertThat(CdrPipelineCli.execute("erase", "--config", conf.toString(), "--subject", second)).isZero();
                await().atMost(Duration.ofSeconds(60)).until(() -> !liveBilling(kafka).containsKey(lost.getRecordId()));
                long leftRows = rows(db, "select count(*) from billing where calling_number = '" + second
                        + "' or called_number = '" + second + "'");
                assertThat(leftRows).isPositive();
                java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
                java.io.PrintStream stdout = System.out;
                int exit;
                System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
                try {
                    exit = CdrPipelineCli.execute("audit", "reconcile", "--config", conf.toString(), "--jdbc-url", pg.jdbcUrl(),
                            "--table", "billing", "--key-column", "record_id", "--jdbc-user", ThrowawayPostgres.USER);
                } finally {
                    System.setOut(stdout);
                }
                String report = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
                assertThat(exit).as(report).isEqualTo(1);
                List<String> named = report.lines().filter(l -> l.startsWith("row ")).toList();
                assertThat(named).as(report).hasSize((int) leftRows).anySatisfy(l -> assertThat(l)
                        .startsWith("row record_id=" + lost.getRecordId() + ": its deletion from cdr.billing is receipted"));
                assertThat(report).as("the row deleted by hand is not named").doesNotContain(byHand.getRecordId());
                System.out.println("audit reconcile: " + report.lines().findFirst().orElse(""));
            }
        }
    }

    private static boolean involves(BillingRecord b, String number) {
        return number.equals(b.getCalling().getNumber()) || number.equals(b.getCalled().getNumber());
    }

    private static void produceSamples(EmbeddedKafka kafka, Path conf) throws Exception {
        for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
            Path p = WORK.resolve("input").resolve(f.path().replace('/', '_'));
            Files.createDirectories(p.getParent());
            Files.write(p, f.bytes());
            assertThat(CdrPipelineCli.execute("produce", "--bootstrap-server", kafka.bootstrapServers(), "--config",
                    conf.toString(), "--format", f.format().id(), "--source", f.source(), p.toString())).isZero();
        }
    }

    /** The billing topic as a table (read_committed, latest value per key, tombstones and keep-alives removed). */
    private static Map<String, BillingRecord> liveBilling(EmbeddedKafka kafka) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, BillingRecord> table = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            io.cdrpipeline.config.TopicReader.readWhole(consumer, "cdr.billing", r -> {
                if (r.value() == null) {
                    table.remove(r.key());
                } else {
                    table.put(r.key(), Topics.billingSerde().decode(r.value()));
                }
            });
        }
        return table;
    }

    private static long rows(Connection db, String sql) {
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        } catch (java.sql.SQLException e) {
            return -1;   // the table does not exist yet
        }
    }

    private static List<String> strings(Connection db, String sql) throws Exception {
        List<String> out = new java.util.ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }
}
