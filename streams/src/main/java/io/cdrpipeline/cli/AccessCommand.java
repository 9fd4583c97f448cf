package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.OwnedTopic;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.retention.RetentionPolicies;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.serde.AvroJson;
import io.cdrpipeline.topology.Topics;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Answers a subject access request (GDPR art. 15): every billing record the pipeline still
 * retains of one subject, as JSON lines or CSV, and a receipt on the audit topic that names
 * neither the subject nor the records (a keyed hash of the request id, the count, the case id).
 *
 * <p>The subject is matched as erasure matches it — the same subject inputs the pipeline derives
 * from each record ({@link Pseudonymizer#subjectInputs}) — so every accepted spelling of a number,
 * and its records from every source, are found. It reads {@code cdr.billing} committed, from the
 * beginning, keeping per key the last value (a tombstone removes it): what a compacted view
 * holds now. That is a scan of the topic, shown with its progress; one scan answers one request.
 */
@Command(name = "access", mixinStandardHelpOptions = true,
        description = "Export every retained billing record of one subject (a phone number, SIP identity, extension "
                + "or account) as JSON lines or CSV, and file a receipt without PII on the audit topic.")
final class AccessCommand implements Callable<Integer> {

    /** The export's formats. */
    enum Format { jsonl, csv }

    @Mixin
    KafkaOptions kafka;

    @Mixin
    SubjectOptions who;

    @Option(names = "--format", defaultValue = "jsonl", description = "${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the export here (created readable by its owner only; "
            + "must not exist). Default: standard output.")
    Path out;

    @Option(names = "--case", paramLabel = "REF", description = "Your ticket or case id (1-64 of A-Z a-z 0-9 . _ : / -), kept on the receipt.")
    String caseReference;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = kafka.load();
        SubjectOptions.Resolved subject = who.resolve(config);
        String caseRef = CaseReferences.check(caseReference);
        AuditKey auditKey = auditKey(config);
        String billingTopic = config.topic(OwnedTopic.BILLING);
        long started = System.nanoTime();
        Scan scan = scan(config, billingTopic, subject.input());
        try (OutputStream os = out == null ? unclosable(System.out) : createPrivate(out)) {
            write(scan.records().values(), format, os);
        }
        String requestId = UUID.randomUUID().toString();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        try (ControlTopics control = new ControlTopics(config)) {
            String keyHash = auditKey.hash(config.topic(OwnedTopic.AUDIT), "access:" + requestId);
            control.send(config.topic(OwnedTopic.AUDIT), keyHash, Topics.auditSerde().encode(AuditReceipt.newBuilder()
                    .setKeyHash(keyHash).setTopic(billingTopic).setDataClass(DataClass.BILLING)
                    .setCount(scan.records().size()).setPolicyVersion(RetentionPolicies.load(config).version())
                    .setReason(DeletionReason.ACCESS_REQUEST).setWindowClose(now).setEmittedAt(now)
                    .setCaseReference(caseRef).build()));
        }
        System.err.printf("access request %s: %d billing record(s) of the %s subject%s; read %,d records of %s in %.1f s; "
                        + "receipt on %s%n", requestId, scan.records().size(), subject.kind().toString().toLowerCase(),
                out == null ? "" : " written to " + out, scan.read(), billingTopic,
                (System.nanoTime() - started) / 1e9, config.topic(OwnedTopic.AUDIT));
        return 0;
    }

    /** What one scan found: the subject's retained records by key, and how many records it read. */
    record Scan(Map<String, BillingRecord> records, long read) {
    }

    static Scan scan(PipelineConfig config, String topic, String subjectInput) {
        Map<String, Object> props = io.cdrpipeline.app.KafkaClients.consumer(config);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<String, BillingRecord> found = new LinkedHashMap<>();
        var serde = Topics.billingSerde();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> begin = c.beginningOffsets(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long total = parts.stream().mapToLong(p -> end.get(p) - begin.get(p)).sum();
            long read = 0;
            long lastReport = System.nanoTime();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    read++;
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue;   // written after the scan began: not part of this answer
                    }
                    if (r.value() == null) {
                        found.remove(r.key());   // deleted (or a keep-alive, which names no record)
                        continue;
                    }
                    BillingRecord b = serde.deserializer().deserialize(topic, r.value());
                    if (Pseudonymizer.subjectInputs(b).contains(subjectInput)) {
                        found.put(r.key(), b);
                    } else {
                        found.remove(r.key());
                    }
                }
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    lastReport = System.nanoTime();
                    System.err.printf("access: read %,d of about %,d records of %s (%.0f%%)%n", read, total, topic,
                            total == 0 ? 100.0 : 100.0 * read / total);
                }
            }
            return new Scan(found, read);
        }
    }

    static void write(java.util.Collection<BillingRecord> records, Format format, OutputStream os) throws java.io.IOException {
        if (format == Format.jsonl) {
            ObjectMapper json = new ObjectMapper();
            PrintStream p = new PrintStream(os, false, StandardCharsets.UTF_8);
            for (BillingRecord b : records) {
                p.println(json.writeValueAsString(AvroJson.toJson(b)));
            }
            p.flush();
            return;
        }
        CsvMapper csv = new CsvMapper();
        CsvSchema schema = CsvSchema.builder().addColumns(List.of("record_id", "source", "account", "calling_type",
                "calling", "called_type", "called", "start_time", "answer_time", "end_time", "duration_seconds",
                "billable_seconds", "disposition", "hangup_cause", "q850_cause", "leg_role"), CsvSchema.ColumnType.STRING)
                .build().withHeader();
        try (SequenceWriter w = csv.writer(schema).writeValues(new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8))) {
            for (BillingRecord b : records) {
                Object[] row = {b.getRecordId(), b.getSource(), b.getAccount(), b.getCalling().getType(),
                        b.getCalling().getNumber(), b.getCalled().getType(), b.getCalled().getNumber(), b.getStartTime(),
                        b.getAnswerTime(), b.getEndTime(), b.getDurationSeconds(), b.getBillableSeconds(),
                        b.getDisposition(), b.getHangupCause(), b.getQ850Cause(), b.getLegRole()};
                for (int i = 0; i < row.length; i++) {
                    row[i] = row[i] == null ? "" : row[i].toString();   // instants in ISO-8601, enums by name
                }
                w.write(row);
            }
        }
    }

    private static AuditKey auditKey(PipelineConfig config) {
        KeyVault vault = io.cdrpipeline.app.PipelineKeys.vaultForTools(config);
        return vault != null ? vault.auditKey() : AuditKey.of(io.cdrpipeline.app.PipelineKeys.loadKeys(config));
    }

    /** Standard output for a try-with-resources that must not close it. */
    private static OutputStream unclosable(PrintStream stdout) {
        return new java.io.FilterOutputStream(stdout) {
            @Override
            public void write(byte[] b, int off, int len) {
                stdout.write(b, off, len);
            }

            @Override
            public void close() {
                stdout.flush();
            }
        };
    }

    private static OutputStream createPrivate(Path file) throws java.io.IOException {
        try {
            Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        return Files.newOutputStream(file);
    }
}
