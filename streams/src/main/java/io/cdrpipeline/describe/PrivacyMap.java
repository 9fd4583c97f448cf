package io.cdrpipeline.describe;

import io.cdrpipeline.catalogue.Declassifier;
import io.cdrpipeline.catalogue.InternalTopic;
import io.cdrpipeline.catalogue.OwnedStore;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Sensitivity;
import io.cdrpipeline.config.Durations;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.retention.RetentionPolicy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What each topic and store of the pipeline holds, and how long: the annotations of the diagram
 * and the facts the privacy lint checks against. Declassifiers are the only processors allowed
 * to turn personal data into another class.
 */
public final class PrivacyMap {

    /** A topic's or store's class and its retention in words (null: none known). */
    public record Label(Sensitivity sensitivity, String retention) {
    }

    /** Processor name → the class its output may have although its input is PII ({@link Declassifier}). */
    public static final Map<String, Sensitivity> DECLASSIFIERS = Arrays.stream(Declassifier.values())
            .collect(Collectors.toUnmodifiableMap(Declassifier::processorName, Declassifier::output));

    private final Map<String, Label> topics = new HashMap<>();
    private final Map<String, Label> stores = new HashMap<>();
    private final Map<String, String> described = new HashMap<>();

    public PrivacyMap(PipelineConfig config, RetentionPolicy policy) {
        for (OwnedTopic t : OwnedTopic.values()) {
            topics.put(config.topic(t), new Label(t.sensitivity(), retention(t, policy)));
        }
        // describe() names an internal topic without the application-id prefix; a sink that writes it by
        // its broker name (the keep-alives) writes the same topic.
        for (InternalTopic t : InternalTopic.values()) {
            topics.put(t.describedName(), new Label(t.sensitivity(), t.retention()));
            described.put(t.topicName(config.applicationId()), t.describedName());
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

    public Label topic(String name) {
        return topics.get(topicNode(name));
    }

    /** The name a topic goes by in the diagram: an internal topic's broker name is its described name. */
    public String topicNode(String name) {
        return described.getOrDefault(name, name);
    }

    public Label store(String name) {
        return stores.get(name);
    }

}
