package io.cdrpipeline.topology;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.DataClass;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The configs of the topics the pipeline owns, derived from the retention policy. Raw and
 * rejected are deleted by age ({@code retention.ms} = their window). Billing and analytics are
 * compacted and rely on tombstones; their segment roll, compaction lag, tombstone retention and
 * file deletion delay are each a fifth of the policy's {@code max-erasure-delay} (less the sweep interval), so that
 * the worst case from window close to physical deletion stays inside the policy's limit.
 */
public final class TopicSpecs {

    private TopicSpecs() {
    }

    public static List<NewTopic> all(PipelineConfig config, RetentionPolicy policy) {
        int partitions = config.intValue("topic.partitions", 1, 10_000);
        int rf = config.intValue("topic.replication.factor", -1, 32);
        Optional<Short> replication = rf < 0 ? Optional.empty() : Optional.of((short) rf);
        return List.of(
                new NewTopic(config.get("topic.raw"), Optional.of(partitions), replication)
                        .configs(deleteAfter(policy.window(DataClass.RAW), policy)),
                new NewTopic(config.get("topic.billing"), Optional.of(partitions), replication).configs(compacted(policy)),
                new NewTopic(config.get("topic.analytics"), Optional.of(partitions), replication).configs(compacted(policy)),
                new NewTopic(config.get("topic.rejected"), Optional.of(partitions), replication)
                        .configs(deleteAfter(policy.window(DataClass.REJECTED), policy)),
                new NewTopic(config.get("topic.audit"), Optional.of(partitions), replication)
                        .configs(deleteAfter(policy.window(DataClass.AUDIT), policy)),
                // Requests and holds are state to keep (an erased subject stays erased), but a released
                // hold's tombstone must compact the account and reason away within the budget too.
                new NewTopic(config.get("topic.erasure-requests"), Optional.of(1), replication).configs(compacted(policy)),
                new NewTopic(config.get("topic.legal-holds"), Optional.of(1), replication).configs(compacted(policy)),
                // Wrapped keys; a destroyed epoch's tombstone must compact its key away within the budget.
                new NewTopic(config.get("topic.pseudonym-keys"), Optional.of(1), replication).configs(compacted(policy)));
    }

    /** Configs for a compacted topic holding personal data (also applied to the changelogs of our stores). */
    public static Map<String, String> compacted(RetentionPolicy policy) {
        long step = step(policy);
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cleanup.policy", "compact");
        m.put("segment.ms", Long.toString(step));
        m.put("max.compaction.lag.ms", Long.toString(step));
        // Explicit, so that `topics --apply` resets a raised value: no record may wait longer than the step.
        m.put("min.compaction.lag.ms", "0");
        m.put("min.cleanable.dirty.ratio", "0.1");
        m.put("delete.retention.ms", Long.toString(step));
        m.put("file.delete.delay.ms", Long.toString(Math.min(60_000, step)));
        return m;
    }

    private static Map<String, String> deleteAfter(Duration window, RetentionPolicy policy) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cleanup.policy", "delete");
        m.put("retention.ms", Long.toString(window.toMillis()));
        m.put("segment.ms", Long.toString(Math.min(step(policy), Math.max(60_000, window.toMillis()))));
        m.put("file.delete.delay.ms", Long.toString(Math.min(60_000, step(policy))));
        return m;
    }

    /** How often Kafka Streams purges consumed repartition records: its 30 s default, or the step if shorter. */
    public static long purgeInterval(RetentionPolicy policy) {
        return Math.min(30_000, step(policy));
    }

    static long step(RetentionPolicy policy) {
        return policy.physicalStep().toMillis();
    }
}
