package io.cdrpipeline.normalize;

import io.cdrpipeline.ingest.SwitchCdr;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.kafka.common.utils.Utils;

/**
 * The identity rule: one key per distinct CDR, the same key for an exact resend.
 * <ul>
 * <li>Asterisk with a CDR {@code sequence} (cdr_custom, cdr_csv with newcdrcolumns):
 *     {@code source:uniqueid:sequence} — the switch numbers its CDRs itself.</li>
 * <li>Any other switch id (Asterisk uniqueid without sequence, FreeSWITCH uuid, the canonical
 *     id): {@code source:id~digest}, the digest being 48 bits of SHA-256 over the immutable call
 *     facts as logged (times, parties, channels or b-leg, outcome) — so a forked Dial's rows, or
 *     a re-generated file's lines sharing a uuid, each keep their own key.</li>
 * <li>No switch id: {@code source:sha256:} and 128 bits of SHA-256 over the source and the line.</li>
 * </ul>
 * The partition key of a CDR (the key of {@code cdr.raw} and of the dedupe repartition) is a
 * hash of its source and switch id — not of its facts — so every CDR sharing a switch id meets
 * in one task, where a reused id is noticed. Not thread-safe (reuses a digest).
 */
public final class RecordIds {

    private static final HexFormat HEX = HexFormat.of();
    private final MessageDigest sha256;

    public RecordIds() {
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    public String recordId(SwitchCdr cdr, String source, String line) {
        if (cdr.switchId() != null) {
            if (cdr.sequence() != null) {
                return source + ':' + cdr.switchId() + ':' + cdr.sequence();
            }
            byte[] d = sha256.digest(cdr.identityFacts().getBytes(StandardCharsets.UTF_8));
            return source + ':' + cdr.switchId() + '~' + HEX.formatHex(d, 0, 6);
        }
        sha256.reset();
        sha256.update(source.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
        byte[] digest = sha256.digest(line.strip().getBytes(StandardCharsets.UTF_8));
        return source + ":sha256:" + HEX.formatHex(digest, 0, 16);
    }

    /** What CDRs that may share an id share: {@code source:switchId}, else the record id itself. */
    public static String switchIdentity(SwitchCdr cdr, String source, String recordId) {
        return cdr.switchId() != null ? source + ':' + cdr.switchId() : recordId;
    }

    /** The 4-byte partition key of a CDR with this switch identity. */
    public static byte[] partitionKey(String switchIdentity) {
        return ByteBuffer.allocate(4).putInt(Utils.murmur2(switchIdentity.getBytes(StandardCharsets.UTF_8))).array();
    }

    /** The partition Kafka's default partitioner (and Streams') gives a key among {@code partitions}. */
    public static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }
}
