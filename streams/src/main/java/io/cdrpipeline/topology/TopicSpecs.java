package io.cdrpipeline.topology;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.RetentionPolicy;
import java.time.Duration;
import java.util.ArrayList;
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

    /**
     * Every topic of the catalogue, as {@code topics --apply} creates it. Requests, holds and keys are
     * state to keep (an erased subject stays erased), but a released hold's or a destroyed epoch's
     * tombstone must compact its data away within the budget too: they are compacted like billing.
     */
    public static List<NewTopic> all(PipelineConfig config, RetentionPolicy policy) {
        int partitions = config.get(Settings.TOPIC_PARTITIONS);
        int rf = config.get(Settings.TOPIC_REPLICATION_FACTOR);
        Optional<Short> replication = rf < 0 ? Optional.empty() : Optional.of((short) rf);
        List<NewTopic> out = new ArrayList<>();
        for (OwnedTopic t : OwnedTopic.values()) {
            out.add(new NewTopic(config.topic(t), Optional.of(t.configuredPartitions() ? partitions : 1), replication)
                    .configs(configs(t, policy)));
        }
        return out;
    }

    /** The configs of one catalogue topic under {@code policy}. */
    public static Map<String, String> configs(OwnedTopic t, RetentionPolicy policy) {
        return t.cleanup() == OwnedTopic.Cleanup.COMPACTED ? compacted(policy) : deleteAfter(policy.window(t.dataClass()), policy);
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
        return policy.purgeStep().toMillis();
    }
}
