package io.cdrpipeline.retention;

import io.cdrpipeline.catalogue.OwnedStore;
import io.cdrpipeline.schema.BillingRecord;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The expiry index: one entry per retained CDR, standing for both its billing and its analytics
 * record, keyed {@code billing window (8 bytes) | call end (8) | record id (UTF-8)}, all
 * big-endian. Within a window class the store's byte order is call-end order, which is the
 * expiry order of both records (expiry = call end + window), so each deletion is a range scan up
 * to {@code now - window} from a cursor — never a full scan. Sources sharing a billing window
 * share a class; a handful of classes exist at most.
 *
 * <p>The entry is written once, when the CDR arrives, and deleted when the later of its two
 * deletions is done: passing the analytics deadline costs no store write, because the sweep's
 * cursor, not the entry, records it. The value carries only what deletion needs: flags, arrival
 * time (for receipts and lateness), the analytics key (16 raw bytes), the account (legal holds)
 * and the subject tokens (raw bytes; the subject index is rebuilt from them), packed by
 * {@link ExpiryEntryCodec}. The record's
 * source is the prefix of its id. It is also the dedupe store: a resend computes the same key.
 */
public final class ExpiryIndex {

    public static final String STORE = OwnedStore.EXPIRY_INDEX.storeName();
    /** The analytics record was deleted (or never written) out of turn: an erasure, a policy change. */
    public static final int ANALYTICS_DONE = 1;
    /** The billing record was deleted out of turn. */
    public static final int BILLING_DONE = 2;
    /** The billing window closed while the account was on legal hold: the held index points here. */
    public static final int PARKED = 4;
    private static final int HEAD = 16;
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private final KeyValueStore<Bytes, byte[]> store;

    public ExpiryIndex(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** One retained CDR. {@code window} is its billing window (its class), in milliseconds. */
    public record Entry(long window, long callEnd, String recordId, int flags, long arrival, byte[] pseudoId,
            String account, List<byte[]> tokens) {

        public Entry {
            tokens = List.copyOf(tokens);
        }

        /**
         * The entry of a billing record arriving under {@code recordId} at {@code arrival}: its class
         * is its source's billing window; {@code pseudoId} (null: no analytics record can be made) and
         * {@code tokens} are base64url text.
         */
        public static Entry of(BillingRecord b, String recordId, RetentionPolicy policy, long arrival, String pseudoId,
                List<String> tokens, int flags) {
            List<byte[]> raw = new ArrayList<>(tokens.size());
            tokens.forEach(t -> raw.add(BASE64URL.decode(t)));
            return new Entry(policy.billingWindow(b.getSource()).toMillis(), b.getEndTime().toEpochMilli(), recordId, flags,
                    arrival, pseudoId == null ? new byte[16] : BASE64URL.decode(pseudoId), b.getAccount(), raw);
        }

        public boolean has(int flag) {
            return (flags & flag) != 0;
        }

        public Entry with(int flag) {
            return new Entry(window, callEnd, recordId, flags | flag, arrival, pseudoId, account, tokens);
        }

        public Entry without(int flag) {
            return new Entry(window, callEnd, recordId, flags & ~flag, arrival, pseudoId, account, tokens);
        }

        public Entry inWindow(long newWindow) {
            return new Entry(newWindow, callEnd, recordId, flags, arrival, pseudoId, account, tokens);
        }

        public Bytes key() {
            return ExpiryIndex.key(window, callEnd, recordId);
        }

        /** The record id's source: ids are {@code source:native-id}. */
        public String source() {
            int colon = recordId.indexOf(':');
            return colon < 0 ? recordId : recordId.substring(0, colon);
        }
    }

    public void put(Entry e) {
        store.put(e.key(), value(e));
    }

    public void delete(Bytes key) {
        store.put(key, null);   // put(null), not delete(): nothing reads the old value back (#13)
    }

    /** The entry under this key, or null. */
    public Entry get(Bytes key) {
        byte[] v = store.get(key);
        return v == null ? null : decode(key.get(), v);
    }

    public boolean contains(Bytes key) {
        return store.get(key) != null;
    }

    /** Up to {@code max} entries after {@code from} (exclusive) up to {@code to} (inclusive), in key order. */
    public List<Entry> range(Bytes from, Bytes to, int max) {
        List<Entry> out = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, to)) {
            while (it.hasNext() && out.size() < max) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (from != null && kv.key.equals(from) || kv.key.get().length < HEAD) {
                    continue;
                }
                out.add(decode(kv.key.get(), kv.value));
            }
        }
        return out;
    }

    /** The smallest window class above {@code after}, or -1 when there is none. */
    public long nextWindow(long after) {
        if (after == Long.MAX_VALUE) {
            return -1;
        }
        Bytes from = Bytes.wrap(ByteBuffer.allocate(8).putLong(after + 1).array());
        try (KeyValueIterator<Bytes, byte[]> it = store.range(from, null)) {
            while (it.hasNext()) {
                byte[] k = it.next().key.get();
                if (k.length >= HEAD) {
                    return ByteBuffer.wrap(k).getLong();
                }
            }
        }
        return -1;
    }

    /** How many entries follow {@code after} (exclusive; null: from the start), at most {@code max}, and the last one's key. */
    public record KeyCount(long keys, Bytes last) {
    }

    public KeyCount countKeys(Bytes after, int max) {
        long n = 0;
        Bytes last = null;
        try (KeyValueIterator<Bytes, byte[]> it = store.range(after, null)) {
            while (it.hasNext() && n < max) {
                Bytes k = it.next().key;
                if (after != null && k.equals(after) || k.get().length < HEAD) {
                    continue;
                }
                n++;
                last = k;
            }
        }
        return new KeyCount(n, last);
    }

    /** The key a billing record stored under {@code recordId} has (or would have) here: dedupe asks with it. */
    public static Bytes keyOf(BillingRecord b, String recordId, RetentionPolicy policy) {
        return key(policy.billingWindow(b.getSource()).toMillis(), b.getEndTime().toEpochMilli(), recordId);
    }

    public static Bytes key(long window, long callEnd, String recordId) {
        byte[] k = recordId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(HEAD + k.length).putLong(window).putLong(Math.max(0, callEnd)).put(k).array());
    }

    /**
     * The largest key of class {@code window} with call end {@code callEnd}: 0xFF never occurs in
     * UTF-8, so every record id sorts below it.
     */
    public static Bytes bound(long window, long callEnd) {
        return Bytes.wrap(ByteBuffer.allocate(HEAD + 1).putLong(window).putLong(Math.max(0, callEnd)).put((byte) 0xFF).array());
    }

    /** The first key of class {@code window}. */
    public static Bytes start(long window) {
        return Bytes.wrap(ByteBuffer.allocate(HEAD).putLong(window).putLong(0).array());
    }

    static byte[] value(Entry e) {
        return ExpiryEntryCodec.encode(e);
    }

    /** The entry stored under {@code key} with {@code value} (also for tools that read the store whole). */
    public static Entry decode(byte[] key, byte[] value) {
        ByteBuffer k = ByteBuffer.wrap(key);
        long window = k.getLong();
        long callEnd = k.getLong();
        return ExpiryEntryCodec.decode(window, callEnd, new String(key, HEAD, key.length - HEAD, StandardCharsets.UTF_8), value);
    }

    /** Unsigned byte order, the order of the store. */
    public static int compare(Bytes a, Bytes b) {
        return Arrays.compareUnsigned(a.get(), b.get());
    }
}
