package io.cdrpipeline.e2e;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The privacy scanners of the end-to-end tests: bytes in files (a broker's data directory, a state
 * directory) and bytes in records (key, value and headers of every record of some topics, from the
 * start, aborted ones included). Each test that uses them shows first that they find what is there.
 */
final class Scanners {

    private Scanners() {
    }

    /** Files under {@code dir} whose bytes contain any secret, as {@code file: secret} (secrets of letters) or its length. */
    static List<String> filesContaining(Path dir, Set<String> secrets) throws java.io.IOException {
        List<String> found = new ArrayList<>();
        if (!Files.exists(dir)) {
            return found;
        }
        // The broker writes and renames files while we look (checkpoint .tmp files): one that vanishes between
        // the listing and the read held nothing any more; anything else is an error.
        List<Path> paths = new ArrayList<>();
        Files.walkFileTree(dir, new java.nio.file.SimpleFileVisitor<>() {
            @Override
            public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    paths.add(file);
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFileFailed(Path file, java.io.IOException e) throws java.io.IOException {
                if (e instanceof java.nio.file.NoSuchFileException) {
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
                throw e;
            }

            @Override
            public java.nio.file.FileVisitResult postVisitDirectory(Path d, java.io.IOException e) throws java.io.IOException {
                if (e != null && !(e instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        for (Path f : paths) {
            String text;
            try {
                text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            } catch (java.nio.file.NoSuchFileException gone) {
                continue;   // deleted while we walked
            }
            for (String s : secrets) {
                if (text.contains(s)) {
                    found.add(dir.relativize(f) + ": " + (s.matches("[a-z]+") ? s : s.length() + " chars"));
                }
            }
        }
        return found;
    }

    /** Every record of {@code topics} whose key, value or headers contain a secret, as {@code topic@offset}. */
    static List<String> recordsContaining(String bootstrap, List<String> topics, Set<String> secrets) {
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            topics.forEach(t -> c.partitionsFor(t).forEach(pi -> parts.add(new TopicPartition(t, pi.partition()))));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    StringBuilder text = new StringBuilder();
                    if (r.key() != null) {
                        text.append(new String(r.key(), StandardCharsets.ISO_8859_1));
                    }
                    if (r.value() != null) {
                        text.append(new String(r.value(), StandardCharsets.ISO_8859_1));
                    }
                    r.headers().forEach(h -> text.append(h.value() == null ? "" : new String(h.value(), StandardCharsets.ISO_8859_1)));
                    for (String s : secrets) {
                        if (text.indexOf(s) >= 0) {
                            found.add(r.topic() + "@" + r.offset());
                        }
                    }
                }
            }
        }
        return found;
    }

    /** The topics a pipeline with this application id writes: its outputs and every internal topic. */
    static List<String> ownedTopics(String bootstrap, String applicationId) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<String> owned = new ArrayList<>(List.of("cdr.raw", "cdr.billing", "cdr.analytics", "cdr.kpi", "cdr.rejected", "cdr.audit",
                    "cdr.audit-checkpoints"));
            admin.listTopics().names().get().stream().filter(t -> t.startsWith(applicationId + "-")).forEach(owned::add);
            return owned;
        }
    }
}
