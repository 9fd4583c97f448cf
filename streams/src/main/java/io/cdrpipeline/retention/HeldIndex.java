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
 * Billing entries whose window closed while their account was under a legal hold, parked here
 * ({@code account | 0x00 | expiry-index key}) instead of being re-checked on every sweep. When the
 * hold is released, the sweep moves them back to the expiry index, overdue, and deletes them.
 */
public final class HeldIndex {

    public static final String STORE = "held-index";

    private final KeyValueStore<Bytes, byte[]> store;

    public HeldIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    public void park(ExpiryIndex.Entry e) {
        store.put(key(e.account(), e.indexKey()), ExpiryIndex.value(e));
    }

    public void remove(ExpiryIndex.Entry e) {
        store.delete(key(e.account(), e.indexKey()));
    }

    /** Up to {@code max} parked entries in account order, starting after {@code afterAccount} (null = start). */
    public List<ExpiryIndex.Entry> scan(String afterAccount, int max) {
        Bytes from = null;
        if (afterAccount != null) {
            byte[] a = afterAccount.getBytes(StandardCharsets.UTF_8);
            byte[] f = java.util.Arrays.copyOf(a, a.length + 1);
            f[a.length] = 1;
            from = Bytes.wrap(f);
        }
        List<ExpiryIndex.Entry> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, null)) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                byte[] k = kv.key.get();
                int sep = indexOf(k);
                byte[] indexKey = new byte[k.length - sep - 1];
                System.arraycopy(k, sep + 1, indexKey, 0, indexKey.length);
                out.add(ExpiryIndex.decode(indexKey, kv.value));
            }
        }
        return out;
    }

    public long approximateSize() {
        return store.approximateNumEntries();
    }

    private static Bytes key(String account, Bytes indexKey) {
        byte[] a = account.getBytes(StandardCharsets.UTF_8);
        byte[] k = indexKey.get();
        return Bytes.wrap(ByteBuffer.allocate(a.length + 1 + k.length).put(a).put((byte) 0).put(k).array());
    }

    private static int indexOf(byte[] k) {
        for (int i = 0; i < k.length; i++) {
            if (k[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
