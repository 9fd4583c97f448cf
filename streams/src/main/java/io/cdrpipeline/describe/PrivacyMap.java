package io.cdrpipeline.describe;

import io.cdrpipeline.config.Durations;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.DataClass;
import java.util.HashMap;
import java.util.Map;

/**
 * What each topic and store of the pipeline holds, and how long: the annotations of the diagram
 * and the facts the privacy lint checks against. Declassifiers are the only processors allowed
 * to turn personal data into another class.
 */
public final class PrivacyMap {

    /** Privacy classes, strictest first. */
    public enum Sensitivity { SECRET, PII, PSEUDONYMOUS, ANONYMOUS, AUDIT }

    /** A topic's or store's class and its retention in words (null: none known). */
    public record Label(Sensitivity sensitivity, String retention) {
    }

    /** Processor name → the class its output may have although its input is PII. */
    public static final Map<String, Sensitivity> DECLASSIFIERS = Map.of(
            "pseudonymize", Sensitivity.PSEUDONYMOUS,
            "analytics-tombstone", Sensitivity.PSEUDONYMOUS,
            // A null value under a fixed reserved key (KeepAlive): nothing of the record it follows.
            "analytics-keep-alive", Sensitivity.PSEUDONYMOUS,
            "receipt", Sensitivity.AUDIT);

    private final Map<String, Label> topics = new HashMap<>();
    private final Map<String, Label> stores = new HashMap<>();

    public PrivacyMap(PipelineConfig config, RetentionPolicy policy) {
        String app = config.applicationId() + "-";
        topics.put(config.get("topic.raw"), new Label(Sensitivity.PII, window(policy, DataClass.RAW)));
        topics.put(config.get("topic.billing"), new Label(Sensitivity.PII, window(policy, DataClass.BILLING) + " (tombstones)"));
        topics.put(config.get("topic.analytics"), new Label(Sensitivity.PSEUDONYMOUS,
                window(policy, DataClass.ANALYTICS) + " (tombstones)"));
        topics.put(config.get("topic.rejected"), new Label(Sensitivity.PII, window(policy, DataClass.REJECTED)));
        topics.put(config.get("topic.audit"), new Label(Sensitivity.AUDIT, window(policy, DataClass.AUDIT)));
        topics.put(config.get("topic.erasure-requests"), new Label(Sensitivity.PSEUDONYMOUS, "kept: an erased subject stays erased"));
        topics.put(config.get("topic.legal-holds"), new Label(Sensitivity.PII, "until released"));
        // describe() names internal topics without the application-id prefix the broker sees.
        for (String repartition : new String[] {"by-identity-repartition", app + "by-identity-repartition"}) {
            topics.put(repartition, new Label(Sensitivity.PII, "purged after each commit"));
        }
        stores.put("expiry-index", new Label(Sensitivity.PII, "until the record's deletion (also the dedupe store)"));
        stores.put("subject-index", new Label(Sensitivity.PSEUDONYMOUS, "until the record's deletion (local, derived)"));
        stores.put("held-index", new Label(Sensitivity.PII, "until the hold is released"));
        stores.put("retention-meta", new Label(Sensitivity.PII, "sweep cursors (a record id where a step stopped), policy version, request ids"));
        stores.put("legal-holds", new Label(Sensitivity.PII, "mirrors its topic"));
        stores.put("erasure-requests", new Label(Sensitivity.PSEUDONYMOUS, "mirrors its topic"));
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

    private static String window(RetentionPolicy policy, DataClass c) {
        return Durations.format(policy.window(c));
    }
}
