package io.cdrpipeline.retention;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Keeps quiet partitions of the pipeline's own output topics rolling. Compaction (and deletion
 * below a purged offset) never touches a log's active segment, and a segment only rolls when
 * something is appended, so a partition that receives no further CDRs would keep deleted records
 * readable forever. Each sweep therefore appends a <em>keep-alive</em> to every partition of
 * {@code cdr.billing}, {@code cdr.analytics} and the by-identity repartition topic: a tombstone
 * (null value) under a reserved key that no record can have ({@code #} appears in no source name,
 * switch id or pseudonym). To a consumer it is the deletion of a row that never existed — a no-op
 * for a database sink — and compaction removes it after {@code delete.retention.ms}. Task
 * {@code t} of {@code T} covers partitions {@code t, t+T, t+2T…}, so every partition gets one
 * per sweep whatever the partition counts; the key names the task so that tasks do not
 * supersede one another before a roll.
 */
public final class KeepAlive {

    /**
     * Header every keep-alive carries, so a consumer that cannot test keys (Kafka Connect) drops them:
     * {@code Filter} with the {@code HasHeaderKey} predicate on this name.
     */
    public static final String HEADER = "cdr.keep-alive";
    private static final String PREFIX = "cdr-pipeline#keep-alive#";

    private KeepAlive() {
    }

    /** The reserved key of task {@code task}'s keep-alives among {@code tasks} tasks (0: unknown). */
    public static String key(int task, int tasks) {
        return PREFIX + task + "#" + tasks;
    }

    public static byte[] keyBytes(int task, int tasks) {
        return key(task, tasks).getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a record key is a keep-alive (consumers of our topics skip such records). */
    public static boolean isKeepAlive(String key) {
        return key != null && key.startsWith(PREFIX);
    }

    public static boolean isKeepAlive(byte[] key) {
        return key != null && isKeepAlive(new String(key, StandardCharsets.UTF_8));
    }

    /** The partitions task {@code task} of {@code tasks} covers among {@code partitions}; all of them when unknown. */
    static Set<Integer> partitionsOf(int task, int tasks, int partitions) {
        Set<Integer> out = new HashSet<>();
        int stride = tasks > 0 ? tasks : 1;
        for (int p = tasks > 0 ? task : 0; p < partitions; p += stride) {
            out.add(p);
        }
        return out;
    }

    /** Multicasts a keep-alive to the partitions its key's task covers; any other record is left to the default. */
    public static <V> StreamPartitioner<String, V> stringPartitioner() {
        return (topic, key, value, partitions) -> isKeepAlive(key) ? Optional.of(covered(key, partitions)) : Optional.empty();
    }

    public static <V> StreamPartitioner<byte[], V> bytesPartitioner() {
        return (topic, key, value, partitions) -> isKeepAlive(key)
                ? Optional.of(covered(new String(key, StandardCharsets.UTF_8), partitions)) : Optional.empty();
    }

    private static Set<Integer> covered(String key, int partitions) {
        String[] parts = key.substring(PREFIX.length()).split("#");
        return partitionsOf(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), partitions);
    }
}
