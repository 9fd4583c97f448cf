package io.cdrpipeline.retention;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.internals.ByteUtils;   // Kafka's varints (pinned with kafka-clients)

/**
 * The bytes of an expiry-index entry's value. Written compact: the flags with a format bit, the
 * arrival as a zig-zag varint of milliseconds after the call's end (seconds to minutes in practice:
 * two or three bytes instead of eight), the 16-byte analytics key and 16-byte subject tokens without
 * length bytes, the account behind a varint length. Entries written before (fixed-width fields with
 * lengths) still read: a store restored from an older changelog needs no migration.
 */
final class ExpiryEntryCodec {

    /** Set in the first byte of a compact value; flags use the low bits only. */
    private static final int COMPACT = 0x80;
    private static final int ID_BYTES = 16;

    private ExpiryEntryCodec() {
    }

    static byte[] encode(ExpiryIndex.Entry e) {
        byte[] account = e.account() == null ? null : e.account().getBytes(StandardCharsets.UTF_8);
        boolean fixed = e.pseudoId().length == ID_BYTES && e.tokens().stream().allMatch(t -> t.length == ID_BYTES)
                && e.tokens().size() < 256;
        if (!fixed) {
            return legacy(e, account);
        }
        ByteBuffer v = ByteBuffer.allocate(1 + 10 + ID_BYTES + 5 + (account == null ? 0 : account.length) + 1
                + ID_BYTES * e.tokens().size());
        v.put((byte) (e.flags() | COMPACT));
        ByteUtils.writeVarlong(e.arrival() - Math.max(0, e.callEnd()), v);   // the key holds max(0, call end)
        v.put(e.pseudoId());
        ByteUtils.writeUnsignedVarint(account == null ? 0 : account.length + 1, v);
        if (account != null) {
            v.put(account);
        }
        v.put((byte) e.tokens().size());
        e.tokens().forEach(v::put);
        byte[] out = new byte[v.position()];
        v.flip().get(out);
        return out;
    }

    static ExpiryIndex.Entry decode(long window, long callEnd, String recordId, byte[] value) {
        ByteBuffer v = ByteBuffer.wrap(value);
        int first = v.get() & 0xFF;
        if ((first & COMPACT) == 0) {
            return decodeLegacy(window, callEnd, recordId, first, v);
        }
        long arrival = callEnd + ByteUtils.readVarlong(v);
        byte[] pseudo = new byte[ID_BYTES];
        v.get(pseudo);
        int accountLength = ByteUtils.readUnsignedVarint(v) - 1;
        String account = null;
        if (accountLength >= 0) {
            byte[] a = new byte[accountLength];
            v.get(a);
            account = new String(a, StandardCharsets.UTF_8);
        }
        int count = v.get() & 0xFF;
        List<byte[]> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] t = new byte[ID_BYTES];
            v.get(t);
            tokens.add(t);
        }
        return new ExpiryIndex.Entry(window, callEnd, recordId, first & ~COMPACT, arrival, pseudo, account, tokens);
    }

    /** The first layout: fixed-width arrival, a length byte before each id, an int before the account. */
    static byte[] legacy(ExpiryIndex.Entry e, byte[] account) {
        int size = 1 + 8 + 1 + e.pseudoId().length + 4 + (account == null ? 0 : account.length) + 1;
        for (byte[] t : e.tokens()) {
            size += 1 + t.length;
        }
        ByteBuffer v = ByteBuffer.allocate(size).put((byte) e.flags()).putLong(e.arrival())
                .put((byte) e.pseudoId().length).put(e.pseudoId());
        if (account == null) {
            v.putInt(-1);
        } else {
            v.putInt(account.length).put(account);
        }
        v.put((byte) e.tokens().size());
        e.tokens().forEach(t -> v.put((byte) t.length).put(t));
        return v.array();
    }

    private static ExpiryIndex.Entry decodeLegacy(long window, long callEnd, String recordId, int flags, ByteBuffer v) {
        long arrival = v.getLong();
        byte[] pseudo = new byte[v.get()];
        v.get(pseudo);
        int accountLength = v.getInt();
        String account = null;
        if (accountLength >= 0) {
            byte[] a = new byte[accountLength];
            v.get(a);
            account = new String(a, StandardCharsets.UTF_8);
        }
        int count = v.get();
        List<byte[]> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] t = new byte[v.get()];
            v.get(t);
            tokens.add(t);
        }
        return new ExpiryIndex.Entry(window, callEnd, recordId, flags, arrival, pseudo, account, tokens);
    }
}
