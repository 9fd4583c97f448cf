package io.cdrpipeline.topology;

import io.cdrpipeline.config.PipelineConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The configs of the topics the pipeline owns, derived from configuration: billing and analytics
 * are compacted (a tombstone deletes a record for good), raw and rejected hold PII only briefly.
 */
public final class TopicSpecs {

    private TopicSpecs() {
    }

    public static List<NewTopic> all(PipelineConfig config) {
        int partitions = config.intValue("topic.partitions", 1, 10_000);
        int rf = config.intValue("topic.replication.factor", -1, 32);
        Optional<Short> replication = rf < 0 ? Optional.empty() : Optional.of((short) rf);
        return List.of(
                topic(config.get("topic.raw"), partitions, replication, deleteAfter(config, "topic.raw.retention")),
                topic(config.get("topic.billing"), partitions, replication, Map.of("cleanup.policy", "compact")),
                topic(config.get("topic.analytics"), partitions, replication, Map.of("cleanup.policy", "compact")),
                topic(config.get("topic.rejected"), partitions, replication,
                        deleteAfter(config, "topic.rejected.retention")));
    }

    private static Map<String, String> deleteAfter(PipelineConfig config, String key) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cleanup.policy", "delete");
        m.put("retention.ms", Long.toString(config.duration(key).toMillis()));
        return m;
    }

    private static NewTopic topic(String name, int partitions, Optional<Short> rf, Map<String, String> configs) {
        return new NewTopic(name, Optional.of(partitions), rf).configs(configs);
    }
}
