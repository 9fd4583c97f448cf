package io.cdrpipeline.audit;

import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * A checkpoint of one audit partition's Merkle tree, as signed: the C2SP {@code tlog-checkpoint}
 * body — origin, tree size, root hash (base64) — with extension lines that tie the tree to the
 * topic: the offset of leaf 0, the offset after the last leaf, and when it was signed.
 *
 * <pre>
 * cdr-pipeline/&lt;application.id&gt;/cdr.audit/3
 * 1042
 * 8rZ3…=
 * first-offset 0
 * next-offset 2210
 * time 2026-12-07T08:10:00Z
 * </pre>
 */
public record Checkpoint(String origin, int partition, long treeSize, byte[] root, long firstOffset, long nextOffset,
        Instant time) {

    public static String origin(String applicationId, String topic, int partition) {
        return originPrefix(applicationId, topic) + partition;
    }

    /** What every partition's origin of this pipeline's audit topic starts with. */
    public static String originPrefix(String applicationId, String topic) {
        return "cdr-pipeline/" + applicationId + "/" + topic + "/";
    }

    public String body() {
        return origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(root) + "\nfirst-offset " + firstOffset
                + "\nnext-offset " + nextOffset + "\ntime " + time + "\n";
    }

    /** A body {@link #body} wrote; throws naming what is wrong. */
    public static Checkpoint parse(String body) {
        List<String> lines = body.lines().toList();
        if (lines.size() != 6 || !lines.get(3).startsWith("first-offset ") || !lines.get(4).startsWith("next-offset ")
                || !lines.get(5).startsWith("time ")) {
            throw new IllegalArgumentException("not a checkpoint of cdr-pipeline (origin, size, root, first-offset, "
                    + "next-offset, time)");
        }
        String origin = lines.get(0);
        int partition = Integer.parseInt(origin.substring(origin.lastIndexOf('/') + 1));
        return new Checkpoint(origin, partition, Long.parseLong(lines.get(1)), Base64.getDecoder().decode(lines.get(2)),
                Long.parseLong(lines.get(3).substring(13)), Long.parseLong(lines.get(4).substring(12)),
                Instant.parse(lines.get(5).substring(5)));
    }
}
