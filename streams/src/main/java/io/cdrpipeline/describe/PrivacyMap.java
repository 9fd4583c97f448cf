package io.cdrpipeline.describe;

import io.cdrpipeline.catalogue.OwnedStore;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Sensitivity;
import io.cdrpipeline.config.Durations;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.RetentionPolicy;
import java.util.HashMap;
import java.util.Map;

/**
 * What each topic and store of the pipeline holds, and how long: the annotations of the diagram
 * and the facts the privacy lint checks against. Declassifiers are the only processors allowed
 * to turn personal data into another class.
 */
public final class PrivacyMap {

    /** A topic's or store's class and its retention in words (null: none known). */
    public record Label(Sensitivity sensitivity, String retention) {
    }

    /** Processor name → the class its output may have although its input is PII. */
    public static final Map<String, Sensitivity> DECLASSIFIERS = Map.of(
            // The analytics record of a decided CDR, re-keyed by its pseudonymous id: nothing else of the CDR.
            "analytics-view", Sensitivity.PSEUDONYMOUS,
            "analytics-tombstone", Sensitivity.PSEUDONYMOUS,
            // A null value under a fixed reserved key (KeepAlive): nothing of the record it follows.
            "analytics-keep-alive", Sensitivity.PSEUDONYMOUS,
            "receipt", Sensitivity.AUDIT);

    private final Map<String, Label> topics = new HashMap<>();
    private final Map<String, Label> stores = new HashMap<>();

    public PrivacyMap(PipelineConfig config, RetentionPolicy policy) {
        String app = config.applicationId() + "-";
        for (OwnedTopic t : OwnedTopic.values()) {
            topics.put(config.get(t.setting()), new Label(t.sensitivity(), retention(t, policy)));
        }
        // describe() names internal topics without the application-id prefix the broker sees.
        for (String repartition : new String[] {"by-identity-repartition", app + "by-identity-repartition"}) {
            topics.put(repartition, new Label(Sensitivity.PII, "purged after each commit"));
        }
        for (OwnedStore s : OwnedStore.values()) {
            stores.put(s.storeName(), new Label(s.sensitivity(), s.retention()));
        }
    }

    private static String retention(OwnedTopic t, RetentionPolicy policy) {
        return switch (t) {
            case ERASURE_REQUESTS -> "kept: an erased subject stays erased";
            case LEGAL_HOLDS -> "until released";
            case PSEUDONYM_KEYS -> "until the epoch is destroyed";
            default -> Durations.format(policy.window(t.dataClass()))
                    + (t.cleanup() == OwnedTopic.Cleanup.COMPACTED ? " (tombstones)" : "");
        };
    }

    /** A map for tests: just these topics. */
    PrivacyMap(Map<String, Label> topics) {
        this.topics.putAll(topics);
    }

    public Label topic(String name) {
        return topics.get(name);
    }

    public Label store(String name) {
        return stores.get(name);
    }

}
