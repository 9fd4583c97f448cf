package io.cdrpipeline.retention;

import io.cdrpipeline.catalogue.OwnedStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Which retained CDRs belong to a subject, keyed by the subject's token (a pseudonym, never a
 * clear number): {@code 0x01 | token | record id} → the record's expiry-index key. An erasure
 * request is a prefix scan here.
 *
 * <p>It is derived data: every entry follows from an expiry-index entry's tokens, so the store
 * has no changelog (writing one would cost up to three more transactional records per CDR).
 * Instead it carries a generation mark that must equal the one in the logged meta store; when
 * they differ — a fresh or stale state directory, another instance having owned the task — the
 * index is rebuilt from the expiry index before the task does anything else.
 */
public final class SubjectIndex {

    public static final String STORE = OwnedStore.SUBJECT_INDEX.storeName();
    /** The key of the generation mark, the one key that is no record's. */
    public static final Bytes GENERATION = Bytes.wrap(new byte[] {0, 'g', 'e', 'n'});
    private static final byte ENTRY = 1;

    private final KeyValueStore<Bytes, byte[]> store;

    public SubjectIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** One record of a subject: where its subject entry and its expiry-index entry are. */
    public record Hit(Bytes subjectKey, Bytes indexKey) {
    }

    public void add(ExpiryIndex.Entry e) {
        byte[] target = e.key().get();
        for (byte[] token : e.tokens()) {
            store.put(key(token, e.recordId()), target);
        }
    }

    public void remove(ExpiryIndex.Entry e) {
        for (byte[] token : e.tokens()) {
            store.put(key(token, e.recordId()), null);   // a deletion that does not read the old value back
        }
    }

    public void delete(Bytes subjectKey) {
        store.put(subjectKey, null);
    }

    public List<Hit> records(byte[] token, int max) {
        return records(token, null, max);
    }

    /** Up to {@code max} records of the subject {@code token} after the subject key {@code after} (null: from the first). */
    public List<Hit> records(byte[] token, Bytes after, int max) {
        Bytes from = after != null ? after : Bytes.wrap(ByteBuffer.allocate(token.length + 1).put(ENTRY).put(token).array());
        Bytes to = Bytes.wrap(ByteBuffer.allocate(token.length + 2).put(ENTRY).put(token).put((byte) 0xFF).array());
        List<Hit> hits = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, to)) {
            while (it.hasNext() && hits.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (after == null || !kv.key.equals(after)) {
                    hits.add(new Hit(kv.key, Bytes.wrap(kv.value)));
                }
            }
        }
        return hits;
    }

    public byte[] generation() {
        return store.get(GENERATION);
    }

    public boolean isEmpty() {
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            return !it.hasNext();
        }
    }

    /** Deletes at most {@code max} of the index's keys (the generation mark included); returns how many it deleted. */
    public int clearStep(int max) {
        List<Bytes> old = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext() && old.size() < max) {
                old.add(it.next().key);
            }
        }
        old.forEach(store::delete);
        return old.size();
    }

    /**
     * Indexes at most {@code max} expiry-index entries after {@code after} (null: from the start);
     * returns the last one indexed, or null when there were none left.
     */
    public Bytes rebuildStep(ExpiryIndex index, Bytes after, int max) {
        Bytes last = null;
        for (ExpiryIndex.Entry e : index.range(after, null, max)) {
            add(e);
            last = e.key();
        }
        return last;
    }

    /** Records a new generation (the index is known to match the logged state). */
    public void mark(byte[] generation) {
        store.put(GENERATION, generation);
    }

    private static Bytes key(byte[] token, String recordId) {
        byte[] r = recordId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + token.length + r.length).put(ENTRY).put(token).put(r).array());
    }
}
