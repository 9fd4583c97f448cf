package io.cdrpipeline.catalogue;

import io.cdrpipeline.schema.DataClass;
import java.util.EnumSet;
import java.util.Set;
import java.util.Locale;

/**
 * The catalogue of the topics the pipeline owns — one entry each: the setting that names it and
 * its default, its contract (key and value), its data class and privacy class, how it is
 * cleaned up, its partitions, and who may read and write it. The topology's topic names,
 * {@code topics --apply}, {@code describe}'s labels and lint, {@code retention check}, the ACLs
 * of {@code acls} and the topic table of docs/reference.md are all derived from here: adding an output topic
 * is one entry plus the processor that writes it.
 */
public enum OwnedTopic {
    RAW("topic.raw", "cdr.raw", DataClass.RAW, Sensitivity.PII, "PII", Cleanup.DELETE_BY_AGE, true,
            "the CDR's identity key (4 bytes: murmur2 of `source:switch-id`) from our producers; any key (or none) from "
                    + "others — those records take the by-identity repartition",
            "raw CDR bytes; headers `cdr.format`, `cdr.source` (+ `cdr.file`, `cdr.line` from `produce`)",
            EnumSet.of(Role.PIPELINE), EnumSet.of(Role.PRODUCER)),
    BILLING("topic.billing", "cdr.billing", DataClass.BILLING, Sensitivity.PII, "PII", Cleanup.COMPACTED, true,
            "record id (UTF-8)",
            "`BillingRecord` (Avro single-object encoding); a **null value (tombstone) means: delete the row**",
            EnumSet.of(Role.BILLING, Role.OPS), EnumSet.of(Role.PIPELINE)),
    ANALYTICS("topic.analytics", "cdr.analytics", DataClass.ANALYTICS, Sensitivity.PSEUDONYMOUS, "pseudonymous",
            Cleanup.COMPACTED, true, "pseudonymous record id", "`AnalyticsRecord` (Avro single-object encoding)",
            // ops: `audit verify` checks that no receipted key is still live here.
            EnumSet.of(Role.ANALYST, Role.OPS), EnumSet.of(Role.PIPELINE)),
    KPI("topic.kpi", "cdr.kpi", DataClass.KPI, Sensitivity.ANONYMOUS, "anonymous (cells of at least `kpi.k` distinct callers)",
            Cleanup.DELETE_BY_AGE, true,
            "`<window>\\|<window start, epoch ms>\\|<source>\\|<leg role>\\|<country>\\|<ndc>` (UTF-8; `<window>` PT15M, PT1H, PT24H)",
            "`KpiCell` (Avro single-object encoding): attempts per outcome, answered billable seconds, ASR, NER, ACD, the "
                    + "number of distinct callers (≥ k) — written once per window and cell when the window closes",
            EnumSet.of(Role.ANALYST, Role.OPS), EnumSet.of(Role.PIPELINE)),
    REJECTED("topic.rejected", "cdr.rejected", DataClass.REJECTED, Sensitivity.PII, "PII", Cleanup.DELETE_BY_AGE, true,
            "as in `cdr.raw`",
            "the original bytes, unchanged; original headers plus `cdr.error.class`, `cdr.error.reason`, `cdr.source`, "
                    + "`cdr.format`, `cdr.input.topic`, `cdr.input.partition`, `cdr.input.offset`",
            EnumSet.noneOf(Role.class), EnumSet.of(Role.PIPELINE)),
    AUDIT("topic.audit", "cdr.audit", DataClass.AUDIT, Sensitivity.AUDIT, "audit (no PII)", Cleanup.DELETE_BY_AGE, true,
            "hashed record key (or digest)",
            "`AuditReceipt` (v4): key hash (HMAC-SHA256 of topic and record key under the **audit key**, 128 bits: derived "
                    + "from `$CDR_MASTER_KEY` in key-store mode, from the key file's first epoch otherwise — whoever holds "
                    + "record ids but not the key cannot link receipts to records), topic, data class, count, policy "
                    + "version, reason (WINDOW_CLOSED, ERASURE_REQUEST, POLICY_CHANGE, KEY_DESTROYED, HOLD_RELEASED), window "
                    + "close and emission time (both rounded down to the sweep interval, so a receipt does not tell the "
                    + "call's end), arrived-after-close; deletions of one sweep step that share topic, reason and "
                    + "arrived-after-close share one receipt (up to 1,000): `keyHashes` lists each record's key hash, "
                    + "`count` their number, the window close is the earliest of theirs, and the key hash is the audit "
                    + "key's HMAC of 0x01, topic, 0 and that list (comma-separated); an `access` export's receipt "
                    + "(ACCESS_REQUEST) is keyed by SHA-256 of its random request id",
            EnumSet.of(Role.OPS), EnumSet.of(Role.PIPELINE, Role.OPS)),
    AUDIT_CHECKPOINTS("topic.audit-checkpoints", "cdr.audit-checkpoints", DataClass.CHECKPOINT, Sensitivity.AUDIT,
            "audit (no PII)", Cleanup.DELETE_BY_AGE, true, "`<audit partition>\\|<tree size>`",
            "`AuditCheckpoint`: a C2SP signed note (origin `cdr-pipeline/<application.id>/cdr.audit/<partition>`, tree size, "
                    + "root hash of the RFC 6962 Merkle tree over that partition's receipts, first-offset, next-offset, time; "
                    + "Ed25519 signature of `audit.signing.key.file`) and the tree's frontier; kept longer than the receipts "
                    + "(policy `windows.checkpoints`)",
            EnumSet.of(Role.PIPELINE, Role.OPS), EnumSet.of(Role.PIPELINE)),
    ERASURE_REQUESTS("topic.erasure-requests", "cdr.erasure-requests", null, Sensitivity.PSEUDONYMOUS, "pseudonymous",
            Cleanup.COMPACTED, false, "subject token; `cdr-pipeline#request#<id>` for a request `erase` filed",
            "`ErasureRequest` (request id, subject kind, key epoch, reason, time; the subject sealed to the pipeline's "
                    + "public key, which it publishes here under `cdr-pipeline#erasure-sealing-key`) — never a clear number",
            // ops: files requests and reads the sealing key; the pipeline: files each subject's tokens.
            EnumSet.of(Role.PIPELINE, Role.OPS), EnumSet.of(Role.OPS, Role.PIPELINE)),
    LEGAL_HOLDS("topic.legal-holds", "cdr.legal-holds", null, Sensitivity.PII, "PII (account)", Cleanup.COMPACTED, false,
            "`account\\|holdId`", "`LegalHold`; a tombstone releases",
            // ops: places, releases and reports holds; the pipeline: keep-alives (a released hold leaves the log).
            EnumSet.of(Role.PIPELINE, Role.OPS), EnumSet.of(Role.OPS, Role.PIPELINE)),
    PSEUDONYM_KEYS("topic.pseudonym-keys", "cdr.pseudonym-keys", null, Sensitivity.SECRET, "secret", Cleanup.COMPACTED, false,
            "key epoch id (`<id>#tokens`: its token key, once its pseudonymisation key is destroyed; `#root`: the "
                    + "deployment's root, once the master key was rotated)",
            "key wrapped with AES-256-GCM under the master key",
            EnumSet.of(Role.PIPELINE), EnumSet.of(Role.PIPELINE));

    /** How a topic lets go of data: by age ({@code retention.ms} = its window), or by tombstones and compaction. */
    public enum Cleanup { DELETE_BY_AGE, COMPACTED }

    private final String setting;
    private final String defaultName;
    private final DataClass dataClass;
    private final Sensitivity sensitivity;
    private final String classWords;
    private final Cleanup cleanup;
    private final boolean configuredPartitions;
    private final String key;
    private final String value;
    private final Set<Role> readers;
    private final Set<Role> writers;

    OwnedTopic(String setting, String defaultName, DataClass dataClass, Sensitivity sensitivity, String classWords,
            Cleanup cleanup, boolean configuredPartitions, String key, String value, Set<Role> readers, Set<Role> writers) {
        this.setting = setting;
        this.defaultName = defaultName;
        this.dataClass = dataClass;
        this.sensitivity = sensitivity;
        this.classWords = classWords;
        this.cleanup = cleanup;
        this.configuredPartitions = configuredPartitions;
        this.key = key;
        this.value = value;
        this.readers = readers;
        this.writers = writers;
    }

    /** The setting naming the topic ({@code topic.raw} …). */
    public String setting() {
        return setting;
    }

    public String defaultName() {
        return defaultName;
    }

    /** The data class whose retention window applies (null: state that is kept until released or destroyed). */
    public DataClass dataClass() {
        return dataClass;
    }

    public Sensitivity sensitivity() {
        return sensitivity;
    }

    /** The class in the documentation's words. */
    public String classWords() {
        return classWords;
    }

    public Cleanup cleanup() {
        return cleanup;
    }

    /** Whether {@code topic.partitions} applies; control topics have one partition (read whole by every task). */
    public boolean configuredPartitions() {
        return configuredPartitions;
    }

    public String key() {
        return key;
    }

    public String value() {
        return value;
    }

    /** Who reads it (the pipeline included where it does). */
    public Set<Role> readers() {
        return readers;
    }

    public Set<Role> writers() {
        return writers;
    }

    /** The documentation's words for its configuration. */
    public String configWords() {
        if (cleanup == Cleanup.DELETE_BY_AGE) {
            return "`cleanup.policy=delete`, `retention.ms` = policy `windows." + (dataClass == DataClass.CHECKPOINT ? "checkpoints"
                    : dataClass.name().toLowerCase(Locale.ROOT))
                    + "`";
        }
        return "compacted; `segment.ms`, `max.compaction.lag.ms`, `delete.retention.ms` derived from the policy"
                + (configuredPartitions ? "" : "; 1 partition")
                + (sensitivity == Sensitivity.SECRET ? "; ACL: the pipeline's principal only" : "");
    }

    /** The topic table of docs/reference.md. */
    public static String markdownTable() {
        StringBuilder out = new StringBuilder("| topic | key | value | class | config |\n|---|---|---|---|---|\n");
        for (OwnedTopic t : values()) {
            out.append("| `").append(t.defaultName).append("` | ").append(t.key).append(" | ").append(t.value).append(" | ")
                    .append(t.classWords).append(" | ").append(t.configWords()).append(" |\n");
        }
        return out.toString();
    }
}
