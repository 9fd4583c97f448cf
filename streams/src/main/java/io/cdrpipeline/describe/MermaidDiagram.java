package io.cdrpipeline.describe;

import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Renders a topology description as a Mermaid flowchart with every topic and store labelled by class
 * and retention, and every declassifier (the only doors between classes) marked with the class it
 * lets out.
 */
public final class MermaidDiagram {

    private MermaidDiagram() {
    }

    public static String render(TopologyDescription description, PrivacyMap map) {
        StringBuilder out = new StringBuilder("flowchart LR\n");
        Set<String> topics = new LinkedHashSet<>();
        Set<String> stores = new LinkedHashSet<>();
        StringBuilder edges = new StringBuilder();
        for (TopologyDescription.Subtopology sub : description.subtopologies()) {
            out.append("  subgraph sub").append(sub.id()).append("[\"sub-topology ").append(sub.id()).append("\"]\n");
            for (TopologyDescription.Node n : sub.nodes()) {
                var declassifiesTo = PrivacyMap.DECLASSIFIERS.get(n.name());
                out.append("    ").append(id("p", n.name())).append("[\"").append(n.name())
                        .append(declassifiesTo == null ? "\"]\n"
                                : "<br/>declassifier → " + declassifiesTo + "\"]:::declassifier\n");
                n.successors().forEach(s -> edges.append("  ").append(id("p", n.name())).append(" --> ")
                        .append(id("p", s.name())).append('\n'));
                if (n instanceof TopologyDescription.Source src && src.topicSet() != null) {
                    src.topicSet().stream().map(map::topicNode).forEach(t -> {
                        topics.add(t);
                        edges.append("  ").append(id("t", t)).append(" --> ").append(id("p", n.name())).append('\n');
                    });
                }
                if (n instanceof TopologyDescription.Sink sink && sink.topic() != null) {
                    String t = map.topicNode(sink.topic());
                    topics.add(t);
                    edges.append("  ").append(id("p", n.name())).append(" --> ").append(id("t", t)).append('\n');
                }
                if (n instanceof TopologyDescription.Processor p) {
                    p.stores().forEach(s -> {
                        stores.add(s);
                        edges.append("  ").append(id("p", n.name())).append(" -.- ").append(id("s", s)).append('\n');
                    });
                }
            }
            out.append("  end\n");
        }
        for (TopologyDescription.GlobalStore g : description.globalStores()) {
            g.source().topicSet().stream().map(map::topicNode).forEach(t -> {
                topics.add(t);
                g.processor().stores().forEach(s -> {
                    stores.add(s);
                    edges.append("  ").append(id("t", t)).append(" --> ").append(id("s", s)).append('\n');
                });
            });
        }
        topics.forEach(t -> out.append("  ").append(id("t", t)).append("[(\"").append(t).append("<br/>")
                .append(caption(map.topic(t))).append("\")]:::").append(css(map.topic(t))).append('\n'));
        stores.forEach(s -> out.append("  ").append(id("s", s)).append("[(\"store ").append(s).append("<br/>")
                .append(caption(map.store(s))).append("\")]:::").append(css(map.store(s))).append('\n'));
        out.append(edges);
        out.append("  classDef pii fill:#f8d7da,stroke:#a33\n  classDef pseudonymous fill:#fff3cd,stroke:#a80\n")
                .append("  classDef anonymous fill:#d4edda,stroke:#393\n  classDef audit fill:#d6e4f0,stroke:#36a\n")
                .append("  classDef secret fill:#ddd,stroke:#333\n  classDef unknown fill:#fff,stroke:#f00\n")
                .append("  classDef declassifier stroke:#000,stroke-width:3px\n");
        return out.toString();
    }

    private static String caption(PrivacyMap.Label l) {
        return l == null ? "UNCLASSIFIED" : l.sensitivity() + " · " + (l.retention() == null ? "no retention" : l.retention());
    }

    private static String css(PrivacyMap.Label l) {
        return l == null ? "unknown" : l.sensitivity().name().toLowerCase();
    }

    private static String id(String kind, String name) {
        return kind + "_" + name.replaceAll("[^A-Za-z0-9]", "_");
    }
}
