package io.cdrpipeline.retention;

import io.cdrpipeline.catalogue.OwnedStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What was deleted, remembered so that a copy arriving later is not billed again. A switch that
 * resends a file, or a producer that retries, delivers CDRs the pipeline has already deleted —
 * erased, closed by a policy change, released from a hold, or deleted as they arrived. Their
 * expiry-index entries, which are the dedupe memory, went with them. Here each deleted billing
 * record leaves its receipt's key hash (the audit key's HMAC of topic and record id: no personal
 * data, and the same hash its receipt carries) and the moment it may be forgotten: when both of
 * its windows have passed, counted from its call's end or its arrival, whichever is later — after
 * that, a copy is deleted as it arrives anyway. Key: the 16-byte hash; value: forget-at (8 bytes).
 */
public final class DeletionLedger {

    public static final String STORE = OwnedStore.DELETION_LEDGER.storeName();

    private final KeyValueStore<Bytes, byte[]> store;
    /** Where the last forgetting pass stopped (null: at the start); passes go round the hash space. */
    private Bytes cursor;

    public DeletionLedger(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** The ledger key of a receipt's key hash (hex). */
    public static Bytes key(String keyHash) {
        return Bytes.wrap(HexFormat.of().parseHex(keyHash));
    }

    public void remember(String keyHash, long forgetAt) {
        store.put(key(keyHash), ByteBuffer.allocate(8).putLong(forgetAt).array());
    }

    public boolean contains(String keyHash) {
        return store.get(key(keyHash)) != null;
    }

    /**
     * Forgets the entries due at {@code now} among the next {@code max} (going round); returns how many
     * it looked at.
     */
    public int forgetDue(long now, int max) {
        List<KeyValue<Bytes, byte[]>> seen = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(cursor, null)) {
            while (it.hasNext() && seen.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (cursor != null && kv.key.equals(cursor)) {
                    continue;
                }
                seen.add(kv);
            }
        }
        for (KeyValue<Bytes, byte[]> kv : seen) {
            if (kv.value.length == 8 && ByteBuffer.wrap(kv.value).getLong() <= now) {
                store.put(kv.key, null);
            }
        }
        cursor = seen.size() < max || seen.isEmpty() ? null : seen.get(seen.size() - 1).key;
        return seen.size();
    }
}
