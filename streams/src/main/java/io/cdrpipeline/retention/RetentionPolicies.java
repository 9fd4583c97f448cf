package io.cdrpipeline.retention;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.PipelineConfig;
import java.nio.file.Path;

/** The policy a configuration names ({@code retention.policy.file}), or the defaults when it names none. */
public final class RetentionPolicies {

    private RetentionPolicies() {
    }

    public static RetentionPolicy load(PipelineConfig config) {
        String file = config.get(Settings.RETENTION_POLICY_FILE);
        return file.isBlank() ? RetentionPolicy.defaults() : RetentionPolicy.load(Path.of(file));
    }
}
