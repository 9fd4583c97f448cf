package io.cdrpipeline.cli;

import io.cdrpipeline.app.KeyService;
import io.cdrpipeline.app.PipelineKeys;
import io.cdrpipeline.audit.AuditInputs;
import io.cdrpipeline.audit.AuditVerifier;
import io.cdrpipeline.audit.Checkpoint;
import io.cdrpipeline.audit.ErasureCertificate;
import io.cdrpipeline.audit.NoteSigner;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.Settings;
import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.topology.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Deletion an auditor can verify: {@code audit verify} (receipts complete and unaltered under the
 * signed checkpoints, deletions on time, nothing receipted still live, key epochs shredded),
 * {@code audit prove} (an erasure certificate a small offline verifier checks), {@code audit
 * reconcile} (rows of a billing database whose deletion is receipted but which are still there).
 */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Verify the deletion receipts against their signed checkpoints, prove a deletion, reconcile a sink.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Prove.class, AuditCommand.Reconcile.class})
final class AuditCommand {

    /** The operator's verifier key: the file given, else the one in the configured signing key file. */
    static NoteSigner.Verifier verifier(PipelineConfig config, Path verifierKey) {
        if (verifierKey != null) {
            try {
                return NoteSigner.Verifier.parse(Files.readString(verifierKey).trim());
            } catch (java.nio.file.NoSuchFileException e) {
                throw new IllegalArgumentException("--verifier-key " + verifierKey + " does not exist");
            } catch (IOException e) {
                throw new IllegalArgumentException("--verifier-key " + verifierKey + ": " + e.getMessage());
            }
        }
        String signing = config.get(Settings.AUDIT_SIGNING_KEY_FILE);
        if (signing.isBlank()) {
            throw new IllegalArgumentException("--verifier-key FILE (the .pub of `keys --audit-signing-key`) is required when "
                    + "the config names no audit.signing.key.file");
        }
        return NoteSigner.Verifier.parse(NoteSigner.load(Path.of(signing)).verifierKey());
    }

    /** The audit key the receipts were written with: the deployment's root in key-store mode, the static keys' otherwise. */
    static AuditKey auditKey(PipelineConfig config) {
        KeyVault vault = PipelineKeys.masterKeyVault(config);
        if (vault == null) {
            return AuditKey.of(PipelineKeys.staticKeysForRun(config));
        }
        String root = null;
        for (AuditVerifier.Entry e : AuditInputs.records(config, config.topic(OwnedTopic.PSEUDONYM_KEYS))) {
            if (e.key() != null && new String(e.key(), java.nio.charset.StandardCharsets.UTF_8).equals(KeyVault.ROOT_RECORD)) {
                root = e.value() == null ? null : new String(e.value(), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return (root == null ? vault : vault.withRoot(root)).auditKey();
    }

    /** Every deletion receipt's key hashes (the record keys it stands for), with where the receipt is. */
    static Map<String, AuditVerifier.Entry> deleted(AuditInputs.Receipts receipts, String topic) {
        return AuditVerifier.receipted(receipts.byPartition(), topic, r -> r != DeletionReason.ACCESS_REQUEST);
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Check every receipt and checkpoint; exit 1 naming each problem.")
    static final class Verify implements Callable<Integer> {

        @Mixin
        ConfigOptions kafka;

        @Option(names = "--verifier-key", paramLabel = "FILE", description = "The operator's verifier key (the .pub "
                + "`keys --audit-signing-key` wrote); default: from audit.signing.key.file.")
        Path verifierKey;

        @Override
        public Integer call() throws Exception {
            // What can be wrong without a cluster (the verifier key, the policy) stops before one is asked.
            NoteSigner.Verifier keyCheck = verifier(kafka.load(), verifierKey);
            RetentionPolicy policy = RetentionPolicy.of(kafka.load());
            PipelineConfig config = kafka.loadFor(Role.OPS, OwnedTopic.AUDIT, OwnedTopic.AUDIT_CHECKPOINTS, OwnedTopic.BILLING,
                    OwnedTopic.ANALYTICS);
            AuditKey auditKey = auditKey(config);
            String auditTopic = config.topic(OwnedTopic.AUDIT);
            AuditInputs.Receipts receipts = AuditInputs.receipts(config);
            List<AuditVerifier.Entry> checkpoints = AuditInputs.records(config, config.topic(OwnedTopic.AUDIT_CHECKPOINTS));
            // What is still live on the topics deletions are receipted for: billing, analytics, the key topic.
            Set<String> live = new HashSet<>();
            Map<String, Boolean> keyTopic = new HashMap<>();
            for (OwnedTopic t : List.of(OwnedTopic.BILLING, OwnedTopic.ANALYTICS, OwnedTopic.PSEUDONYM_KEYS)) {
                String topic = config.topic(t);
                Map<String, Boolean> keys = AuditInputs.keys(config, topic);
                if (t == OwnedTopic.PSEUDONYM_KEYS) {
                    keyTopic = keys;
                }
                keys.forEach((k, isLive) -> {
                    if (isLive) {
                        live.add(auditKey.hash(topic, k));
                    }
                });
            }
            AuditVerifier verifier = new AuditVerifier(auditKey, keyCheck, policy.maxErasureDelay(),
                    Checkpoint.originPrefix(config.applicationId(), auditTopic));
            AuditVerifier.Result result = verifier.verify(receipts.byPartition(), receipts.logStart(), checkpoints, live);
            List<String> problems = new ArrayList<>(result.problems());
            // Every destroyed key whose tombstone is still visible has its receipt; none is past its deadline.
            String keysTopic = config.topic(OwnedTopic.PSEUDONYM_KEYS);
            problems.addAll(verifier.destroyedKeysWithoutReceipt(receipts.byPartition(), keysTopic, keyTopic));
            if (PipelineKeys.masterKeyVault(config) != null) {
                try (KeyService keys = new KeyService(config, PipelineKeys.masterKeyVault(config), policy)) {
                    keys.overdue(Instant.now()).forEach(k -> problems.add("key " + k + " is past its destruction deadline "
                            + "and still on " + keysTopic));
                }
            }
            System.out.printf("%,d receipts (%,d deletions) in %d partitions of %s; %,d signed checkpoints; %,d receipts "
                            + "checked against them, %,d newer than the last (signed at the next audit.checkpoint.interval)%n",
                    result.receipts(), result.deletions(), receipts.byPartition().size(), auditTopic, result.checkpoints(),
                    result.leavesChecked(), result.uncheckpointed());
            if (problems.isEmpty()) {
                System.out.println("OK: every receipt decodes and recomputes, the signed checkpoints are consistent with "
                        + "the receipts, every deletion was on time, nothing receipted is live, every destroyed key has its "
                        + "receipt and none is overdue");
                return 0;
            }
            problems.forEach(p -> System.out.println("FAILED " + p));
            return 1;
        }
    }

    @Command(name = "prove", mixinStandardHelpOptions = true,
            description = "Write an erasure certificate — deletion receipts with their inclusion proofs and the signed "
                    + "checkpoints — for a case reference (the receipts of what `erase --case` deleted) or a billing record "
                    + "id; check it offline with examples/verify_certificate.py.")
    static final class Prove implements Callable<Integer> {

        @Mixin
        ConfigOptions kafka;

        @picocli.CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Target target;

        static final class Target {
            @Option(names = "--case", paramLabel = "REF", description = "The case reference given to erase.")
            String caseReference;

            @Option(names = "--record-id", paramLabel = "ID", description = "A billing record id (cdr.billing's key).")
            String recordId;
        }

        @Option(names = "--verifier-key", paramLabel = "FILE", description = "As for audit verify.")
        Path verifierKey;

        @Option(names = "--out", paramLabel = "FILE", description = "Write the certificate here (default: standard output).")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (out != null && Files.exists(out)) {
                throw new IllegalArgumentException("--out " + out + " exists; refusing to overwrite");
            }
            String caseRef = target.caseReference == null ? null : CaseReferences.check(target.caseReference);
            NoteSigner.Verifier keyCheck = verifier(kafka.load(), verifierKey);
            PipelineConfig config = kafka.loadFor(Role.OPS, OwnedTopic.AUDIT, OwnedTopic.AUDIT_CHECKPOINTS);
            AuditKey auditKey = auditKey(config);
            String billing = config.topic(OwnedTopic.BILLING);
            AuditInputs.Receipts receipts = AuditInputs.receipts(config);
            List<ErasureCertificate.Claim> claims = new ArrayList<>();
            String what;
            if (caseRef != null) {
                what = "case " + caseRef;
                var serde = Topics.auditSerde();
                receipts.byPartition().values().forEach(list -> list.forEach(e -> {
                    try {
                        AuditReceipt r = serde.decode(e.value());
                        if (caseRef.equals(r.getCaseReference()) && r.getReason() == DeletionReason.ERASURE_REQUEST) {
                            claims.add(new ErasureCertificate.Claim(e, r.getKeyHash()));
                        }
                    } catch (RuntimeException undecodable) {
                        // audit verify names it
                    }
                }));
            } else {
                what = "record " + target.recordId;
                String hash = auditKey.hash(billing, target.recordId);
                AuditVerifier.Entry receipt = deleted(receipts, billing).get(hash);
                if (receipt != null) {
                    claims.add(new ErasureCertificate.Claim(receipt, hash));
                }
            }
            if (claims.isEmpty()) {
                System.err.println("no deletion receipt of " + what + " on " + config.topic(OwnedTopic.AUDIT) + " (not deleted "
                        + "yet, or its receipts aged out)");
                return 1;
            }
            String auditTopic = config.topic(OwnedTopic.AUDIT);
            AuditVerifier verifier = new AuditVerifier(auditKey, keyCheck, RetentionPolicy.of(config).maxErasureDelay(),
                    Checkpoint.originPrefix(config.applicationId(), auditTopic));
            Map<Integer, List<Checkpoint>> verified = verifier.checkpoints(
                    AuditInputs.records(config, config.topic(OwnedTopic.AUDIT_CHECKPOINTS)), new ArrayList<>());
            String certificate = ErasureCertificate.of(claims, receipts, verified, verifier, verifierKeyText(config), caseRef);
            if (out == null) {
                System.out.print(certificate);
            } else {
                Files.writeString(out, certificate);
                System.err.println("wrote the erasure certificate of " + what + " (" + claims.size() + " receipts) to " + out);
            }
            return 0;
        }

        private String verifierKeyText(PipelineConfig config) throws IOException {
            return verifierKey != null ? Files.readString(verifierKey).trim()
                    : NoteSigner.load(Path.of(config.get(Settings.AUDIT_SIGNING_KEY_FILE))).verifierKey();
        }
    }

    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = "Name every row of a billing database whose deletion is receipted but which is still there; exit 1 "
                    + "if any.")
    static final class Reconcile implements Callable<Integer> {

        @Mixin
        ConfigOptions kafka;

        @Option(names = "--jdbc-url", required = true, paramLabel = "URL", description = "e.g. jdbc:postgresql://db:5432/billing")
        String url;

        @Option(names = "--table", required = true, paramLabel = "TABLE")
        String table;

        @Option(names = "--key-column", defaultValue = "record_id", paramLabel = "COLUMN",
                description = "The column holding cdr.billing's key (default: ${DEFAULT-VALUE}).")
        String keyColumn;

        @Option(names = "--jdbc-user", paramLabel = "USER")
        String user;

        @Option(names = "--jdbc-password-file", paramLabel = "FILE")
        Path passwordFile;

        @Override
        public Integer call() throws Exception {
            for (String name : List.of(table, keyColumn)) {
                if (!name.matches("[A-Za-z_][A-Za-z0-9_.]{0,127}")) {
                    throw new IllegalArgumentException("'" + name + "' is not a table or column name (letters, digits, _ and .)");
                }
            }
            String password = passwordFile == null ? null : Files.readString(passwordFile).trim();
            PipelineConfig config = kafka.loadFor(Role.OPS, OwnedTopic.AUDIT);
            AuditKey auditKey = auditKey(config);
            String billing = config.topic(OwnedTopic.BILLING);
            Map<String, AuditVerifier.Entry> deleted = deleted(AuditInputs.receipts(config), billing);
            List<String> left = new ArrayList<>();
            long rows = 0;
            try (Connection db = DriverManager.getConnection(url, user, password);
                    Statement s = db.createStatement();
                    ResultSet r = s.executeQuery("SELECT " + keyColumn + " FROM " + table)) {
                while (r.next()) {
                    rows++;
                    String key = r.getString(1);
                    AuditVerifier.Entry receipt = deleted.get(auditKey.hash(billing, key));
                    if (receipt != null) {
                        left.add("row " + keyColumn + "=" + key + ": its deletion from " + billing + " is receipted (receipt "
                                + receipt.position() + " of " + config.topic(OwnedTopic.AUDIT) + "), but it is still in " + table);
                    }
                }
            } catch (SQLException e) {
                throw new IllegalArgumentException("cannot read " + table + "." + keyColumn + " at " + url + ": " + e.getMessage());
            }
            System.out.printf("%,d rows of %s, %,d receipted deletions of %s: %,d rows still there%n", rows, table,
                    deleted.size(), billing, left.size());
            left.forEach(System.out::println);
            return left.isEmpty() ? 0 : 1;
        }
    }
}
