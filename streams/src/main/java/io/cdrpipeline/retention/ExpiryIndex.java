package io.cdrpipeline.retention;

import io.cdrpipeline.schema.DataClass;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The expiry index: one entry per record written to billing or analytics, keyed
 * {@code expiry (8 bytes, big-endian) | data class (1) | record key (UTF-8)}, so that the store's
 * byte order is expiry order and a sweep is a range scan from the oldest entry up to now — never
 * a full scan. The value carries what deletion needs: call end (to re-derive the expiry when the
 * policy changes), arrival time (to purge the dedupe entry), policy version, source and account
 * (for per-source windows and legal holds).
 */
public final class ExpiryIndex {

    public static final String STORE = "expiry-index";

    private final KeyValueStore<Bytes, byte[]> store;

    public ExpiryIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /**
     * One index entry; {@code policyChange} marks an expiry brought forward by a new policy;
     * {@code tokens} (billing entries) are the record's subject tokens, to clean the subject index.
     */
    public record Entry(long expiry, DataClass dataClass, String key, long callEnd, long arrival, int policyVersion,
            boolean policyChange, String source, String account, List<String> tokens) {

        public Entry {
            tokens = tokens == null ? List.of() : List.copyOf(tokens);
        }

        Entry withExpiry(long newExpiry, int version, boolean changedByPolicy) {
            return new Entry(newExpiry, dataClass, key, callEnd, arrival, version, changedByPolicy, source, account, tokens);
        }

        Bytes indexKey() {
            return ExpiryIndex.key(expiry, dataClass, key);
        }
    }

    public void put(Entry e) {
        store.put(key(e.expiry(), e.dataClass(), e.key()), value(e));
    }

    public void delete(Entry e) {
        store.delete(key(e.expiry(), e.dataClass(), e.key()));
    }

    /** The entry at exactly this position, or null when there is none (already deleted). */
    public Entry get(long expiry, DataClass dataClass, String recordKey) {
        Bytes k = key(expiry, dataClass, recordKey);
        byte[] v = store.get(k);
        return v == null ? null : decode(k.get(), v);
    }

    /** Up to {@code max} entries whose expiry is at or before {@code now}, oldest first. */
    public List<Entry> due(long now, int max) {
        List<Entry> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(null, upperBound(now))) {
            while (it.hasNext() && due.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                due.add(decode(kv.key.get(), kv.value));
            }
        }
        return due;
    }

    /** Up to {@code max} entries from {@code after} (exclusive; null = the start), in key order. */
    public List<Entry> scan(Bytes after, int max) {
        List<Entry> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(after, null)) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (after != null && kv.key.equals(after)) {
                    continue;
                }
                out.add(decode(kv.key.get(), kv.value));
            }
        }
        return out;
    }

    public long approximateSize() {
        return store.approximateNumEntries();
    }

    public static Bytes key(long expiry, DataClass dataClass, String recordKey) {
        byte[] k = recordKey.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(9 + k.length).putLong(Math.max(0, expiry))
                .put((byte) dataClass.ordinal()).put(k).array());
    }

    /** The largest key with expiry {@code now}: every entry due at {@code now} sorts at or below it. */
    private static Bytes upperBound(long now) {
        byte[] b = ByteBuffer.allocate(9 + 1).putLong(Math.max(0, now)).put((byte) 0xFF).put((byte) 0xFF).array();
        return Bytes.wrap(b);
    }

    static byte[] value(Entry e) {
        byte[] source = e.source().getBytes(StandardCharsets.UTF_8);
        byte[] account = e.account() == null ? new byte[0] : e.account().getBytes(StandardCharsets.UTF_8);
        int size = 8 + 8 + 4 + 1 + 2 + source.length + 2 + account.length + 1;
        List<byte[]> tokens = new ArrayList<>();
        for (String t : e.tokens()) {
            byte[] b = t.getBytes(StandardCharsets.UTF_8);
            tokens.add(b);
            size += 1 + b.length;
        }
        ByteBuffer v = ByteBuffer.allocate(size)
                .putLong(e.callEnd()).putLong(e.arrival()).putInt(e.policyVersion())
                .put((byte) ((e.policyChange() ? 1 : 0) | (e.account() == null ? 0 : 2)))
                .putShort((short) source.length).put(source).putShort((short) account.length).put(account)
                .put((byte) tokens.size());
        tokens.forEach(b -> v.put((byte) b.length).put(b));
        return v.array();
    }

    static Entry decode(byte[] key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key);
        long expiry = k.getLong();
        DataClass dataClass = DataClass.values()[k.get()];
        String recordKey = new String(key, 9, key.length - 9, StandardCharsets.UTF_8);
        ByteBuffer v = ByteBuffer.wrap(value);
        long callEnd = v.getLong();
        long arrival = v.getLong();
        int version = v.getInt();
        byte flags = v.get();
        byte[] source = new byte[v.getShort()];
        v.get(source);
        byte[] account = new byte[v.getShort()];
        v.get(account);
        int count = v.get();
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] t = new byte[v.get()];
            v.get(t);
            tokens.add(new String(t, StandardCharsets.UTF_8));
        }
        return new Entry(expiry, dataClass, recordKey, callEnd, arrival, version, (flags & 1) != 0,
                new String(source, StandardCharsets.UTF_8), (flags & 2) != 0 ? new String(account, StandardCharsets.UTF_8) : null,
                tokens);
    }
}
