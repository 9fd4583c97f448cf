package io.cdrpipeline.retention;

import io.cdrpipeline.catalogue.OwnedStore;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import io.cdrpipeline.state.PurgeableStore;
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
    /** The store underneath, when it can say it is empty (a look-up is then skipped); null: always look up. */
    private final PurgeableStore files;
    /** Where the last forgetting pass stopped (null: at the start); passes go round the hash space. */
    private Bytes cursor;
    /** Entries kept by the forgetting pass under way (-1: none started). */
    private long keptThisPass = -1;

    public DeletionLedger(KeyValueStore<Bytes, byte[]> store, PurgeableStore files) {
        this.store = store;
        this.files = files;
    }

    /** The ledger key of a receipt's key hash (hex). */
    public static Bytes key(String keyHash) {
        return Bytes.wrap(HexFormat.of().parseHex(keyHash));
    }

    /** Remembers a deleted record until {@code forgetAt}; nothing when that has passed at {@code now} already. */
    public void remember(String keyHash, long forgetAt, long now) {
        if (forgetAt > now) {
            store.put(key(keyHash), ByteBuffer.allocate(8).putLong(forgetAt).array());
        }
    }

    /** Whether a deleted record's key hash ({@link io.cdrpipeline.pseudonymize.AuditKey#hashBytes}) is here. */
    public boolean contains(byte[] keyHash) {
        return store.get(Bytes.wrap(keyHash)) != null;
    }

    /** False when the ledger is known to be empty: no copy of a deleted record needs looking up. */
    public boolean mayHoldEntries() {
        return files == null || files.mayHoldKeys();
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
        if (cursor == null) {
            keptThisPass = 0;
        }
        for (KeyValue<Bytes, byte[]> kv : seen) {
            if (kv.value.length == 8 && ByteBuffer.wrap(kv.value).getLong() <= now) {
                store.put(kv.key, null);
            } else {
                keptThisPass++;
            }
        }
        cursor = seen.size() < max || seen.isEmpty() ? null : seen.get(seen.size() - 1).key;
        if (cursor == null && keptThisPass == 0 && files != null) {
            files.recheckEmpty();   // a whole pass kept nothing: readers may skip their look-ups again
        }
        return seen.size();
    }
}
