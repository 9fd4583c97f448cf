package io.cdrpipeline.e2e;

import io.cdrpipeline.testing.Pipelines;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.AclPlan;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.cli.CdrPipelineCli;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The pipeline on a secured cluster: a SASL_SSL listener with certificates this test generates,
 * the StandardAuthorizer denying whatever no ACL allows, and the ACLs that {@code cdr-pipeline acls
 * --apply} creates from {@link AclPlan} — the table of docs/operations.md (checked to be the same). The pipeline
 * runs as its own principal; then each principal is tried where it may and may not go.
 */
class SecureClusterTest {

    private static final Path WORK = Path.of("target", "secure-" + System.nanoTime()).toAbsolutePath();
    private static final Map<String, String> USERS = Map.of("admin", "admin-pw-5e1", "cdr", "cdr-pw-93a",
            "switch", "switch-pw-c07", "billing", "billing-pw-11f", "analyst", "analyst-pw-8b2", "dpo", "dpo-pw-4d6");

    @Test
    void shouldRunUnderTheReadmeAclsAndKeepAnalystsOutOfEverythingButAnalytics() throws Exception {
        Files.createDirectories(WORK);
        Files.writeString(WORK.resolve("policy.yaml"), "version: 1\nsweep-interval: 1s\nwindows: {billing: 3650d, "
                + "analytics: 3650d}\n");
        Path keyStore = WORK.resolve("broker.p12");
        Path trustStore = WORK.resolve("trust.p12");
        Keytool.run("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keyStore.toString(), "-storepass", "changeit");
        Keytool.run("-exportcert", "-rfc", "-alias", "broker", "-file", WORK.resolve("broker.pem").toString(), "-keystore",
                keyStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        Keytool.run("-importcert", "-noprompt", "-alias", "broker", "-file", WORK.resolve("broker.pem").toString(),
                "-keystore", trustStore.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        String users = USERS.entrySet().stream().map(e -> "user_" + e.getKey() + "=\"" + e.getValue() + "\"")
                .collect(Collectors.joining(" "));
        Map<String, String> broker = new HashMap<>();
        broker.put("sasl.enabled.mechanisms", "PLAIN");
        broker.put("listener.name.sasl_ssl.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required username=\"admin\" password=\"" + USERS.get("admin") + "\" " + users + ";");
        broker.put("ssl.keystore.location", keyStore.toString());
        broker.put("ssl.keystore.password", "changeit");
        broker.put("ssl.keystore.type", "PKCS12");
        broker.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The broker's own plaintext listener (inter-broker, loopback) is ANONYMOUS; every client comes in over SASL_SSL.
        broker.put("super.users", "User:admin;User:ANONYMOUS");
        broker.put("allow.everyone.if.no.acl.found", "false");
        try (EmbeddedKafka kafka = EmbeddedKafka.startSecured(WORK.resolve("broker"), broker)) {
            String bootstrap = kafka.securedBootstrapServers();
            Path adminConf = configFile("admin", bootstrap, trustStore);
            assertThat(CdrPipelineCli.execute("topics", "--apply", "--config", adminConf.toString())).isZero();
            assertThat(CdrPipelineCli.execute("acls", "--apply", "--config", adminConf.toString(),
                    "--principal", "pipeline=User:cdr", "--principal", "producer=User:switch",
                    "--principal", "billing=User:billing", "--principal", "analyst=User:analyst",
                    "--principal", "ops=User:dpo")).isZero();

            PipelineConfig pipeline = PipelineConfig.load(configFile("cdr", bootstrap, trustStore), Map.of());
            RetentionPolicy policy = RetentionPolicy.parse("version: 1\nsweep-interval: 1s\nwindows: {billing: 3650d, "
                    + "analytics: 3650d}\n", "p");

            try (PipelineApp app = Pipelines.app(pipeline, KeyRing.random("s", Instant.EPOCH), policy)) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(120));
                TrafficGenerator gen = new TrafficGenerator(3, 500, 1.1, 0, 0);
                try (RawProducer producer = new RawProducer(PipelineConfig.load(configFile("switch", bootstrap, trustStore),
                        Map.of()))) {
                    for (int i = 0; i < 199; i++) {
                        producer.send(gen.next(), CdrFormat.ASTERISK_CSV, "pbx-synth-0", null, 0);
                    }
                    producer.send(SUBJECT_CDR.getBytes(StandardCharsets.UTF_8), CdrFormat.ASTERISK_CSV, "pbx-synth-0", null, 0);
                    producer.flush();
                }
                assertThat(readAll(client("billing", bootstrap, trustStore, "billing-books"), "cdr.billing", 200))
                        .as("billing reads billing").isEqualTo(200);
                assertThat(readAll(client("analyst", bootstrap, trustStore, AclPlan.CONSUME_GROUP_PREFIX + "1"),
                        "cdr.analytics", 200)).as("analysts read analytics").isEqualTo(200);
                opsCommandsAsTheOpsPrincipal(bootstrap, trustStore);
                commandsAsAPrincipalWithoutTheirRights(bootstrap, trustStore);

                Set<String> internal;
                try (Admin admin = Admin.create(toObjects(client("admin", bootstrap, trustStore, null)))) {
                    internal = admin.listTopics().names().get().stream().filter(t -> t.startsWith(pipeline.applicationId() + "-"))
                            .collect(Collectors.toSet());
                }
                assertThat(internal).as("changelogs and repartition topics exist").anyMatch(t -> t.endsWith("-changelog"))
                        .anyMatch(t -> t.endsWith("-repartition"));
                List<String> forbidden = new ArrayList<>(List.of("cdr.billing", "cdr.raw", "cdr.rejected", "cdr.audit",
                        "cdr.pseudonym-keys", "cdr.erasure-requests", "cdr.legal-holds"));
                // Least privilege for ops too: no key material, not even wrapped.
                assertThatThrownBy(() -> readAll(client("dpo", bootstrap, trustStore, null), "cdr.pseudonym-keys", 1))
                        .as("ops reading the key topic").satisfies(SecureClusterTest::refused);
                forbidden.addAll(internal);
                for (String topic : forbidden) {
                    assertThatThrownBy(() -> readAll(client("analyst", bootstrap, trustStore, "analytics-x"), topic, 1))
                            .as("analyst reading %s", topic).satisfies(SecureClusterTest::refused);
                }
                assertThatThrownBy(() -> readAll(client("switch", bootstrap, trustStore, "billing-x"), "cdr.billing", 1))
                        .as("a switch reading billing").satisfies(SecureClusterTest::refused);
                assertThatThrownBy(() -> readAll(client("billing", bootstrap, trustStore, "billing-x"), "cdr.analytics", 1))
                        .as("billing reading analytics").satisfies(SecureClusterTest::refused);
                try (KafkaProducer<byte[], byte[]> analyst = new KafkaProducer<>(toObjects(client("analyst", bootstrap,
                        trustStore, null)), new ByteArraySerializer(), new ByteArraySerializer())) {
                    assertThatThrownBy(() -> analyst.send(new ProducerRecord<>("cdr.raw", "x".getBytes(StandardCharsets.UTF_8)))
                            .get()).as("analyst writing raw").satisfies(SecureClusterTest::refused);
                }
                assertThat(readAll(client("dpo", bootstrap, trustStore, AclPlan.CONSUME_GROUP_PREFIX + "2"), "cdr.audit", 1))
                        .as("ops read audit (the access receipt at least)").isGreaterThanOrEqualTo(1);
            }
        }
    }

    /**
     * Issue 23, finding 4: a command run by a principal without its rights says which right on which
     * resource it lacks, and whose — never that the topic is missing (produce said "cdr.raw does not exist").
     */
    private static void commandsAsAPrincipalWithoutTheirRights(String bootstrap, Path trustStore) throws Exception {
        String analyst = configFile("analyst", bootstrap, trustStore).toString();
        Path cdrs = Files.writeString(WORK.resolve("denied.csv"), SUBJECT_CDR + "\n");
        Path keys = WORK.resolve("analyst-keys.properties");
        Files.writeString(keys, KeyRing.random("a", Instant.EPOCH).toFileText());
        Files.setPosixFilePermissions(keys, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path runAs = Files.writeString(WORK.resolve("analyst-run.properties"), Files.readString(Path.of(analyst))
                + "pseudonym.key.mode=static\npseudonym.key.file=" + keys + "\nops.port=-1\n");
        String[][] commands = {
            {"produce", "--config", analyst, "--format", "asterisk-csv", "--source", "pbx-synth-0", cdrs.toString()},
            {"consume", "--config", analyst, "--topic", "cdr.billing", "--max-idle", "1s"},
            {"erase", "--config", analyst, "--subject", "+493012345678"},
            {"access", "--config", analyst, "--subject", "+493012345678"},
            {"hold", "--config", analyst, "--account", "a", "--id", "h", "--reason", "billing_dispute"},
            {"release", "--config", analyst, "--account", "a", "--id", "h"},
            {"retention", "report", "--config", analyst},
            {"retention", "check", "--config", analyst},
            {"topics", "--config", analyst, "--apply"},
            {"acls", "--config", analyst, "--principal", "analyst=User:analyst", "--apply"},
            {"run", "--config", runAs.toString()},
        };
        for (String[] command : commands) {
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            java.io.PrintStream before = System.err;
            System.setErr(new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
            int exit;
            try {
                exit = CdrPipelineCli.execute(command);
            } finally {
                System.setErr(before);
            }
            String said = err.toString(StandardCharsets.UTF_8);
            assertThat(exit).as("%s as analyst: %s", command[0], said).isNotZero();
            assertThat(said).as("%s as analyst", command[0]).contains("refuses the principal User:analyst")
                    .containsAnyOf("topic cdr.", "topic(s) cdr.", "on the cluster").doesNotContain("do not exist");
        }
    }

    /** A CDR of the subject the ops commands below ask about: calls 030 1234 5678 (Berlin) from extension 201. */
    private static final String SUBJECT_CDR = String.join(",", "\"acct-s\"", "\"201\"", "\"03012345678\"",
            "\"from-internal\"", "\"\"", "\"PJSIP/a-1\"", "\"PJSIP/b-2\"", "\"Dial\"", "\"\"", "\"2024-11-06 09:00:00\"",
            "\"2024-11-06 09:00:05\"", "\"2024-11-06 09:01:05\"", "65", "60", "\"ANSWERED\"", "\"BILLING\"",
            "\"1730880000.77\"", "\"\"");

    /**
     * Issue 21, finding 9: every command the ACL table gives ops runs as the ops principal — holds,
     * subject access with its receipt, erasure (resolved by the pipeline's principal), retention
     * check and report — holding no key.
     */
    private static void opsCommandsAsTheOpsPrincipal(String bootstrap, Path trustStore) throws Exception {
        String ops = configFile("dpo", bootstrap, trustStore).toString();
        assertThat(CdrPipelineCli.execute("hold", "--config", ops, "--account", "acct-h", "--id", "h1", "--reason",
                "billing_dispute", "--case", "C-1")).as("hold as ops").isZero();
        assertThat(CdrPipelineCli.execute("release", "--config", ops, "--account", "acct-h", "--id", "h1"))
                .as("release as ops").isZero();
        Path export = WORK.resolve("access.jsonl");
        assertThat(CdrPipelineCli.execute("access", "--config", ops, "--subject", "+493012345678", "--out", export.toString(),
                "--case", "SAR-9")).as("access as ops").isZero();
        assertThat(Files.readAllLines(export)).hasSize(1).allSatisfy(l -> assertThat(l).contains("+493012345678"));
        assertThat(CdrPipelineCli.execute("retention", "report", "--config", ops)).as("retention report as ops").isZero();
        assertThat(CdrPipelineCli.execute("retention", "check", "--config", ops)).as("retention check as ops").isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> CdrPipelineCli.execute("erase", "--config", ops, "--subject",
                "+493012345678", "--case", "E-9") == 0);   // once the pipeline has published its sealing key
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Path after = WORK.resolve("access-" + System.nanoTime() + ".jsonl");
            assertThat(CdrPipelineCli.execute("access", "--config", ops, "--subject", "+493012345678", "--out",
                    after.toString())).isZero();
            assertThat(Files.readAllLines(after)).as("erased: resolved and carried out by the pipeline's principal").isEmpty();
        });
    }

    /** The error is, or is caused by, the broker's refusal. */
    private static void refused(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof TopicAuthorizationException) {
                return;
            }
        }
        throw new AssertionError("not an authorization refusal: " + t);
    }

    /** Records read from the start of partition 0.. of a topic, up to {@code expected} (a refused read throws). */
    private static int readAll(Map<String, String> props, String topic, int expected) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(toObjects(props), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = List.of(new TopicPartition(topic, 0));
            if (props.containsKey(ConsumerConfig.GROUP_ID_CONFIG) && expected > 1) {
                c.subscribe(List.of(topic));
            } else {
                c.assign(parts);
                c.seekToBeginning(parts);
            }
            int[] n = {0};
            long deadline = System.nanoTime() + Duration.ofSeconds(expected == 0 ? 5 : 60).toNanos();
            while (n[0] < expected || expected <= 1 && System.nanoTime() < deadline && n[0] == 0) {
                c.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (r.value() != null && !io.cdrpipeline.retention.KeepAlive.isKeepAlive(r.key())) {
                        n[0]++;
                    }
                });
                if (System.nanoTime() > deadline) {
                    break;
                }
            }
            return n[0];
        }
    }

    private static Map<String, String> client(String user, String bootstrap, Path trustStore, String group) {
        Map<String, String> m = new HashMap<>(security(user, trustStore));
        m.put("bootstrap.servers", bootstrap);
        m.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        m.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        if (group != null) {
            m.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return m;
    }

    private static Map<String, Object> toObjects(Map<String, String> m) {
        Map<String, Object> o = new HashMap<>(m);
        o.keySet().removeIf(k -> !org.apache.kafka.clients.consumer.ConsumerConfig.configNames().contains(k)
                && !org.apache.kafka.clients.producer.ProducerConfig.configNames().contains(k)
                && !org.apache.kafka.clients.admin.AdminClientConfig.configNames().contains(k));
        return o;
    }

    private static Map<String, String> security(String user, Path trustStore) {
        return Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                        + "\" password=\"" + USERS.get(user) + "\";",
                "ssl.truststore.location", trustStore.toString(), "ssl.truststore.password", "changeit",
                "ssl.truststore.type", "PKCS12");
    }

    private static Path configFile(String user, String bootstrap, Path trustStore) throws Exception {
        StringBuilder sb = new StringBuilder("bootstrap.servers=" + bootstrap + "\nstate.dir=" + WORK.resolve("state-" + user)
                + "\ntopic.partitions=2\nsource.pbx-synth-0.region=DE\nsource.pbx-synth-0.zone=UTC\nretention.policy.file="
                + WORK.resolve("policy.yaml") + "\n");
        security(user, trustStore).forEach((k, v) -> sb.append("kafka.").append(k).append('=')
                .append(v.replace("\\", "\\\\")).append('\n'));
        Path f = WORK.resolve(user + ".properties");
        Files.writeString(f, sb.toString());
        return f;
    }
}
