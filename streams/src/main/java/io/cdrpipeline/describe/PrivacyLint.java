package io.cdrpipeline.describe;

import io.cdrpipeline.catalogue.Sensitivity;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Walks a topology's description and reports every way personal data could escape its purpose:
 * a path from a PII source topic to a pseudonymous, anonymous or audit sink, or from a pseudonymous
 * source to an anonymous or audit sink, that does not pass the declassifier for that class (the
 * pseudonymiser, the KPI aggregator, the receipt builder), and every topic the topology writes that
 * has no retention rule.
 */
public final class PrivacyLint {

    private PrivacyLint() {
    }

    public static List<String> check(TopologyDescription description, PrivacyMap map) {
        List<String> problems = new ArrayList<>();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            for (TopologyDescription.Node node : sub.nodes()) {
                if (node instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    PrivacyMap.Label label = map.topic(sink.topic());
                    if (label == null || label.retention() == null) {
                        problems.add("topic " + sink.topic() + " (written by " + sink.name() + ") has no retention policy");
                    }
                }
                if (node instanceof TopologyDescription.Source source && readsPersonalData(source, map)) {
                    walk(source, readsPii(source, map) ? null : Sensitivity.PSEUDONYMOUS,
                            new ArrayList<>(List.of(source.name())), new HashSet<>(), map, problems);
                }
            }
        }
        return problems;
    }

    private static boolean readsPii(TopologyDescription.Source source, PrivacyMap map) {
        return source.topicSet() != null && source.topicSet().stream().anyMatch(t -> {
            PrivacyMap.Label l = map.topic(t);
            return l == null || l.sensitivity() == Sensitivity.PII || l.sensitivity() == Sensitivity.SECRET;
        });
    }

    private static boolean readsPersonalData(TopologyDescription.Source source, PrivacyMap map) {
        return readsPii(source, map) || source.topicSet() != null && source.topicSet().stream()
                .anyMatch(t -> map.topic(t).sensitivity() == Sensitivity.PSEUDONYMOUS);
    }

    /** {@code declassifiedTo}: the class the data has at this node (null: still PII). */
    private static void walk(TopologyDescription.Node node, Sensitivity declassifiedTo, List<String> path,
            Set<String> seen, PrivacyMap map, List<String> problems) {
        if (!seen.add(node.name() + "|" + declassifiedTo)) {
            return;
        }
        Sensitivity now = PrivacyMap.DECLASSIFIERS.getOrDefault(node.name(), declassifiedTo);
        if (node instanceof TopologyDescription.Sink sink) {
            PrivacyMap.Label label = map.topic(sink.topic());
            Sensitivity target = label == null ? Sensitivity.PII : label.sensitivity();
            boolean needsDeclassifier = target == Sensitivity.PSEUDONYMOUS || target == Sensitivity.ANONYMOUS
                    || target == Sensitivity.AUDIT;
            if (needsDeclassifier && now != target) {
                problems.add((now == null ? "PII" : now.name().toLowerCase() + " data") + " reaches "
                        + target.name().toLowerCase() + " topic " + sink.topic() + " without "
                        + switch (target) {
                            case AUDIT -> "the receipt builder";
                            case ANONYMOUS -> "the KPI aggregator";
                            default -> "the pseudonymizer";
                        } + ": " + String.join(" -> ", path));
            }
        }
        for (TopologyDescription.Node next : node.successors()) {
            path.add(next.name());
            walk(next, now, path, seen, map, problems);
            path.remove(path.size() - 1);
        }
    }
}
