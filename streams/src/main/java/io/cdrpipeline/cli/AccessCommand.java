package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.Role;

import io.cdrpipeline.catalogue.OwnedTopic;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.retention.RetentionPolicy;
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
import io.cdrpipeline.config.KafkaClients;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;

/**
 * Answers a subject access request (GDPR art. 15): every billing record the pipeline still
 * retains of one subject, as JSON lines or CSV, and a receipt on the audit topic — written before
 * the export is released — that names neither the subject nor the records (a hash of the request
 * id, the count, the case id). Records whose parties no dialling-plan rule recognised but whose
 * digits contain the subject's number are listed apart, as possible matches, for the officer to
 * check (and erase one by one with {@code erase --record}).
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
    ConfigOptions kafka;

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
        PipelineConfig config = kafka.loadFor(Role.OPS, OwnedTopic.BILLING, OwnedTopic.AUDIT);
        SubjectOptions.Resolved subject = who.resolve(config);
        String caseRef = CaseReferences.check(caseReference);
        String billingTopic = config.topic(OwnedTopic.BILLING);
        if (out != null && Files.exists(out, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("--out " + out + " exists: an export is never written over another");
        }
        long started = System.nanoTime();
        Scan scan = scan(config, billingTopic, subject.input(), PossibleMatches.of(subject));
        String requestId = UUID.randomUUID().toString();
        // The receipt first: an export whose receipt cannot be written (a principal without write on the
        // audit topic, a broker gone) is never released.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MINUTES);
        try (ControlTopics control = new ControlTopics(config)) {
            String keyHash = receiptKey(requestId);
            control.send(config.topic(OwnedTopic.AUDIT), keyHash, Topics.auditSerde().encode(AuditReceipt.newBuilder()
                    .setKeyHash(keyHash).setTopic(billingTopic).setDataClass(DataClass.BILLING)
                    .setCount(scan.records().size() + scan.possible().size())
                    .setPolicyVersion(RetentionPolicy.of(config).version())
                    .setReason(DeletionReason.ACCESS_REQUEST).setWindowClose(now).setEmittedAt(now)
                    .setCaseReference(caseRef).build()));
        }
        try (OutputStream os = out == null ? unclosable(System.out) : createPrivate(out)) {
            write(scan.records().values(), scan.possible().values(), format, os);
        }
        System.err.printf("access request %s: %d billing record(s) of the %s subject%s%s; read %,d records of %s in %.1f s; "
                        + "receipt on %s%n", requestId, scan.records().size(), subject.kind().toString().toLowerCase(),
                scan.possible().isEmpty() ? "" : ", and " + scan.possible().size() + " whose unrecognised parties contain its "
                        + "number (match \"possible\": check them, and erase one with erase --record RECORD_ID)",
                out == null ? "" : " written to " + out, scan.read(), billingTopic,
                (System.nanoTime() - started) / 1e9, config.topic(OwnedTopic.AUDIT));
        return 0;
    }

    /**
     * The key of an access receipt: SHA-256 of {@code access:<request id>}, 128 bits, hex. The request id
     * is random and names no record, so no key is needed: ops runs {@code access} holding none.
     */
    static String receiptKey(String requestId) throws NoSuchAlgorithmException {
        byte[] d = MessageDigest.getInstance("SHA-256").digest(("access:" + requestId).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d, 0, 16);
    }

    /**
     * What one scan found: the subject's retained records by key, the retained records whose
     * unrecognised parties contain the subject's number (possible matches, listed apart), and how
     * many records it read.
     */
    record Scan(Map<String, BillingRecord> records, Map<String, BillingRecord> possible, long read) {
    }

    static Scan scan(PipelineConfig config, String topic, String subjectInput, PossibleMatches possibleMatches) {
        Map<String, Object> props = KafkaClients.consumer(config);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        Map<String, BillingRecord> found = new LinkedHashMap<>();
        Map<String, BillingRecord> possible = new LinkedHashMap<>();
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
                    found.remove(r.key());
                    possible.remove(r.key());
                    if (r.value() == null) {
                        continue;   // deleted (or a keep-alive, which names no record)
                    }
                    BillingRecord b = serde.deserializer().deserialize(topic, r.value());
                    if (Pseudonymizer.subjectInputs(b).contains(subjectInput)) {
                        found.put(r.key(), b);
                    } else if (possibleMatches.matches(b)) {
                        possible.put(r.key(), b);
                    }
                }
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    lastReport = System.nanoTime();
                    System.err.printf("access: read %,d of about %,d records of %s (%.0f%%)%n", read, total, topic,
                            total == 0 ? 100.0 : 100.0 * read / total);
                }
            }
            return new Scan(found, possible, read);
        }
    }

    /** The export: the subject's records ({@code match} "subject"), then the possible matches ({@code match} "possible"). */
    static void write(Collection<BillingRecord> records, Collection<BillingRecord> possible, Format format,
            OutputStream os) throws IOException {
        if (format == Format.jsonl) {
            ObjectMapper json = new ObjectMapper();
            PrintStream p = new PrintStream(os, false, StandardCharsets.UTF_8);
            for (BillingRecord b : records) {
                p.println(json.writeValueAsString(((ObjectNode) AvroJson.toJson(b)).put("match", "subject")));
            }
            for (BillingRecord b : possible) {
                p.println(json.writeValueAsString(((ObjectNode) AvroJson.toJson(b)).put("match", "possible")));
            }
            p.flush();
            return;
        }
        CsvMapper csv = new CsvMapper();
        CsvSchema schema = CsvSchema.builder().addColumns(List.of("record_id", "source", "account", "calling_type",
                "calling", "called_type", "called", "start_time", "answer_time", "end_time", "duration_seconds",
                "billable_seconds", "disposition", "hangup_cause", "q850_cause", "leg_role", "match"), CsvSchema.ColumnType.STRING)
                .build().withHeader();
        try (SequenceWriter w = csv.writer(schema).writeValues(new OutputStreamWriter(os, StandardCharsets.UTF_8))) {
            for (BillingRecord b : records) {
                w.write(row(b, "subject"));
            }
            for (BillingRecord b : possible) {
                w.write(row(b, "possible"));
            }
        }
    }

    private static Object[] row(BillingRecord b, String match) {
        Object[] row = {b.getRecordId(), b.getSource(), b.getAccount(), b.getCalling().getType(),
                b.getCalling().getNumber(), b.getCalled().getType(), b.getCalled().getNumber(), b.getStartTime(),
                b.getAnswerTime(), b.getEndTime(), b.getDurationSeconds(), b.getBillableSeconds(),
                b.getDisposition(), b.getHangupCause(), b.getQ850Cause(), b.getLegRole(), match};
        for (int i = 0; i < row.length; i++) {
            row[i] = row[i] == null ? "" : row[i].toString();   // instants in ISO-8601, enums by name
        }
        return row;
    }

    /** Standard output for a try-with-resources that must not close it. */
    private static OutputStream unclosable(PrintStream stdout) {
        return new FilterOutputStream(stdout) {
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

    private static OutputStream createPrivate(Path file) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(file);
        }
        return Files.newOutputStream(file);
    }
}
