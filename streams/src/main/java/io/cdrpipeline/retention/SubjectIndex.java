package io.cdrpipeline.retention;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Which records belong to a subject, keyed by the subject's token (a pseudonym, never a clear
 * number): {@code token | 0x00 | record id} → where the record's billing and analytics entries sit
 * in the expiry index. An erasure request is a prefix scan here.
 */
public final class SubjectIndex {

    public static final String STORE = "subject-index";

    private final KeyValueStore<Bytes, byte[]> store;

    public SubjectIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** One record of a subject: its id, analytics key, and the expiries of both index entries. */
    public record Hit(String token, String recordId, long billingExpiry, long analyticsExpiry, String pseudoRecordId) {
    }

    public void put(String token, String recordId, long billingExpiry, long analyticsExpiry, String pseudoRecordId) {
        byte[] pseudo = pseudoRecordId.getBytes(StandardCharsets.UTF_8);
        store.put(key(token, recordId),
                ByteBuffer.allocate(16 + pseudo.length).putLong(billingExpiry).putLong(analyticsExpiry).put(pseudo).array());
    }

    public void delete(String token, String recordId) {
        store.delete(key(token, recordId));
    }

    public List<Hit> records(String token, int max) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        Bytes from = Bytes.wrap(ByteBuffer.allocate(t.length + 1).put(t).put((byte) 0).array());
        Bytes to = Bytes.wrap(ByteBuffer.allocate(t.length + 1).put(t).put((byte) 1).array());
        List<Hit> hits = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, to)) {
            while (it.hasNext() && hits.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                if (k.length <= t.length + 1 || k[t.length] != 0) {
                    continue;
                }
                ByteBuffer v = ByteBuffer.wrap(kv.value);
                long billing = v.getLong();
                long analytics = v.getLong();
                byte[] pseudo = new byte[v.remaining()];
                v.get(pseudo);
                hits.add(new Hit(token, new String(k, t.length + 1, k.length - t.length - 1, StandardCharsets.UTF_8),
                        billing, analytics, new String(pseudo, StandardCharsets.UTF_8)));
            }
        }
        return hits;
    }

    private static Bytes key(String token, String recordId) {
        byte[] t = token.getBytes(StandardCharsets.UTF_8);
        byte[] r = recordId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(t.length + 1 + r.length).put(t).put((byte) 0).put(r).array());
    }
}
