package io.cdrpipeline.testing;

import io.cdrpipeline.app.KeyMaterial;
import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.config.Settings;
import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.state.PurgeableStoreRegistry;
import io.cdrpipeline.topology.IngestMetrics;
import io.cdrpipeline.topology.IngestTopology;
import io.cdrpipeline.topology.NumberCaches;
import org.apache.kafka.streams.Topology;

/**
 * The shipped topology and application with what tests leave at its default: fixed keys, the
 * configuration's policy, fresh caches and metrics. Test code, so that the production classes keep
 * one way to be built.
 */
public final class Pipelines {

    private Pipelines() {
    }

    /** The application with these keys and the configuration's retention policy. */
    public static PipelineApp app(PipelineConfig config, KeyRing keys) {
        return app(config, keys, RetentionPolicy.of(config));
    }

    public static PipelineApp app(PipelineConfig config, KeyRing keys, RetentionPolicy policy) {
        return app(config, keys, policy, NumberCaches.of(config));
    }

    public static PipelineApp app(PipelineConfig config, KeyRing keys, RetentionPolicy policy, NumberCaches caches) {
        return new PipelineApp(config, KeyMaterial.fixed(keys), policy, caches);
    }

    /** The topology under the default policy. */
    public static Topology topology(PipelineConfig config, KeyRing keys, IngestMetrics metrics) {
        return topology(config, keys, RetentionPolicy.defaults(), metrics, new RetentionMetrics());
    }

    public static Topology topology(PipelineConfig config, KeyRing keys, RetentionPolicy policy, IngestMetrics metrics,
            RetentionMetrics retentionMetrics) {
        return topology(config, keys, policy, metrics, retentionMetrics, NumberCaches.of(config));
    }

    public static Topology topology(PipelineConfig config, KeyRing keys, RetentionPolicy policy, IngestMetrics metrics,
            RetentionMetrics retentionMetrics, NumberCaches caches) {
        return IngestTopology.build(config, keys, policy, metrics, retentionMetrics, caches, AuditKey.of(keys),
                new PurgeableStoreRegistry(config.get(Settings.STATE_TRANSACTIONAL)));
    }
}
