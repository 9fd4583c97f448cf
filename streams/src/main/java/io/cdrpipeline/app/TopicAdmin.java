package io.cdrpipeline.app;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import java.util.concurrent.TimeUnit;

/** Compares the topics a cluster has with the ones the pipeline wants, and creates or aligns them. */
public final class TopicAdmin {

    private TopicAdmin() {
    }

    /** One line per topic: missing, or present with any config that differs from the wanted one. */
    public static List<String> plan(Admin admin, Collection<NewTopic> wanted) throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<String> lines = new ArrayList<>();
        for (NewTopic t : wanted) {
            String wantedDesc = t.numPartitions() + " partitions, " + t.configs();
            if (!existing.contains(t.name())) {
                lines.add("MISSING  " + t.name() + "  (" + wantedDesc + ")");
                continue;
            }
            Map<String, String> drift = drift(admin, t);
            lines.add((drift.isEmpty() ? "OK       " : "DIFFERS  ") + t.name() + "  (" + wantedDesc + ")"
                    + (drift.isEmpty() ? "" : "  now: " + drift));
        }
        return lines;
    }

    /** Creates missing topics and aligns the configs of existing ones; returns what it did. */
    public static List<String> apply(Admin admin, Collection<NewTopic> wanted) throws ExecutionException, InterruptedException {
        Set<String> existing = admin.listTopics().names().get();
        List<NewTopic> missing = wanted.stream().filter(t -> !existing.contains(t.name())).toList();
        List<String> done = new ArrayList<>();
        if (!missing.isEmpty()) {
            admin.createTopics(missing).all().get();
            missing.forEach(t -> done.add("created " + t.name()));
            awaitVisible(admin, missing.stream().map(NewTopic::name).toList());
        }
        for (NewTopic t : wanted) {
            if (existing.contains(t.name())) {
                Map<String, String> drift = drift(admin, t);
                if (!drift.isEmpty()) {
                    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
                    List<AlterConfigOp> ops = t.configs().entrySet().stream()
                            .map(e -> new AlterConfigOp(new ConfigEntry(e.getKey(), e.getValue()), AlterConfigOp.OpType.SET))
                            .toList();
                    admin.incrementalAlterConfigs(Map.of(r, ops)).all().get();
                    done.add("aligned " + t.name() + " " + drift.keySet());
                }
            }
        }
        return done;
    }

    /**
     * A created topic reaches the metadata every broker serves a moment later: until it does, a plan
     * would call it MISSING and a client would not find it. Waits for that, at most 30 s.
     */
    private static void awaitVisible(Admin admin, List<String> names) throws ExecutionException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!admin.listTopics().names().get().containsAll(names) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
    }

    private static Map<String, String> drift(Admin admin, NewTopic t) throws ExecutionException, InterruptedException {
        ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
        Map<String, String> actual = admin.describeConfigs(List.of(r)).all().get().get(r).entries().stream()
                .collect(Collectors.toMap(ConfigEntry::name, e -> e.value() == null ? "" : e.value()));
        return t.configs().entrySet().stream()
                .filter(e -> !e.getValue().equals(actual.get(e.getKey())))
                .collect(Collectors.toMap(Map.Entry::getKey, e -> String.valueOf(actual.get(e.getKey()))));
    }
}
