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
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * Billing records whose window closed while their account was under a legal hold:
 * {@code account | 0x00 | expiry-index key}, so a sweep need not re-check them one by one. The
 * expiry-index entry stays (flagged parked); when the hold is released, the sweep deletes the
 * billing record, overdue.
 */
public final class HeldIndex {

    public static final String STORE = OwnedStore.HELD_INDEX.storeName();

    private final KeyValueStore<Bytes, byte[]> store;

    public HeldIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** One parked record: its account and its expiry-index key. */
    public record Parked(String account, Bytes indexKey) {
    }

    public void park(String account, Bytes indexKey) {
        store.put(key(account, indexKey), new byte[0]);
    }

    public void remove(String account, Bytes indexKey) {
        store.put(key(account, indexKey), null);
    }

    /**
     * Up to {@code max} parked records of accounts no longer held, in account order. A held
     * account costs one look-up and a seek past its records, however many it has parked.
     */
    public List<Parked> released(Predicate<String> held, int max) {
        List<Parked> out = new ArrayList<>();
        Bytes from = null;
        int accounts = 0;
        while (out.size() < max && accounts++ < 100_000) {
            String account = null;
            boolean skip = false;
            try (KeyValueIterator<Bytes, byte[]> it = store.range(from, null)) {
                while (it.hasNext() && out.size() < max) {
                    KeyValue<Bytes, byte[]> kv = it.next();
                    byte[] k = kv.key.get();
                    int sep = indexOf(k);
                    if (sep < 0) {
                        continue;
                    }
                    String a = new String(k, 0, sep, StandardCharsets.UTF_8);
                    if (!a.equals(account)) {
                        if (account != null) {
                            break;
                        }
                        account = a;
                        skip = held.test(a);
                        if (skip) {
                            break;
                        }
                    }
                    byte[] indexKey = new byte[k.length - sep - 1];
                    System.arraycopy(k, sep + 1, indexKey, 0, indexKey.length);
                    out.add(new Parked(a, Bytes.wrap(indexKey)));
                }
            }
            if (account == null) {
                break;
            }
            byte[] a = account.getBytes(StandardCharsets.UTF_8);
            byte[] next = Arrays.copyOf(a, a.length + 1);
            next[a.length] = 1;
            from = Bytes.wrap(next);
            if (!skip && out.size() >= max) {
                break;
            }
        }
        return out;
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
