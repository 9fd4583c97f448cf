package io.cdrpipeline.state;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.HashMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * The writes of the transaction in progress, which a transactional {@link PurgeableStore} keeps
 * out of RocksDB until Kafka Streams commits: reads see them (a processor reads its own writes),
 * the disk does not, so a crash leaves the store exactly as of its last commit. A deletion is
 * kept as {@link #DELETED} so that it hides the committed value.
 */
final class StagedWrites {

    /** Marks a staged deletion (compared by identity). */
    static final byte[] DELETED = new byte[0];

    /**
     * Unordered: a hash map is several times cheaper per write than a sorted one, and writes happen
     * per record while ordered reads ({@link #overlay}) happen a few times per sweep step, which sort
     * the staged writes in their bounds then. Only the owning store touches it, under its lock.
     */
    private HashMap<Bytes, byte[]> writes = new HashMap<>();
    private long bytes;

    void put(Bytes key, byte[] value) {
        byte[] old = writes.put(key, value);
        bytes += key.get().length + value.length - (old == null ? 0 : key.get().length + old.length);
    }

    void delete(Bytes key) {
        put(key, DELETED);
    }

    /** The staged value; {@link #DELETED} for a staged deletion; null when the key is not staged. */
    byte[] lookup(Bytes key) {
        return writes.get(key);
    }

    boolean isEmpty() {
        return writes.isEmpty();
    }

    boolean hasDeletions() {
        return writes.containsValue(DELETED);
    }

    long bytes() {
        return bytes;
    }

    /** Adds every staged write to {@code batch}; {@code deleted} sees each deleted key. */
    void writeTo(WriteBatch batch, ColumnFamilyHandle family, Consumer<byte[]> deleted) throws RocksDBException {
        for (Map.Entry<Bytes, byte[]> e : writes.entrySet()) {
            if (e.getValue() == DELETED) {
                batch.delete(family, e.getKey().get());
                deleted.accept(e.getKey().get());
            } else {
                batch.put(family, e.getKey().get(), e.getValue());
            }
        }
    }

    void clear() {
        // A fresh map, sized for a transaction like this one: clearing a large map costs more than letting it
        // go, and growing one from 16 entries resizes it again and again.
        writes = new HashMap<>(Math.max(16, writes.size() * 4 / 3 + 1));
        bytes = 0;
    }

    /**
     * The committed entries of {@code base} (already bounded) overlaid with the staged ones in the
     * same bounds: a staged value replaces a committed one, a staged deletion hides it.
     */
    KeyValueIterator<Bytes, byte[]> overlay(KeyValueIterator<Bytes, byte[]> base, Bytes from, Bytes to, boolean reverse,
            byte[] prefix) {
        // The staged writes within the bounds, sorted now: a snapshot of this moment's transaction.
        NavigableMap<Bytes, byte[]> view = new TreeMap<>();
        if (from == null || to == null || from.compareTo(to) <= 0) {
            for (Map.Entry<Bytes, byte[]> e : writes.entrySet()) {
                Bytes k = e.getKey();
                if ((from == null || k.compareTo(from) >= 0) && (to == null || k.compareTo(to) <= 0)) {
                    view.put(k, e.getValue());
                }
            }
        }
        return new Overlay(base, (reverse ? view.descendingMap() : view).entrySet().iterator(), reverse, prefix);
    }

    private static final class Overlay implements KeyValueIterator<Bytes, byte[]> {

        private final KeyValueIterator<Bytes, byte[]> base;
        private final Iterator<Map.Entry<Bytes, byte[]>> staged;
        private final boolean reverse;
        private final byte[] prefix;
        private Map.Entry<Bytes, byte[]> stagedHead;
        private KeyValue<Bytes, byte[]> next;

        Overlay(KeyValueIterator<Bytes, byte[]> base, Iterator<Map.Entry<Bytes, byte[]>> staged, boolean reverse,
                byte[] prefix) {
            this.base = base;
            this.staged = staged;
            this.reverse = reverse;
            this.prefix = prefix;
            stagedHead = nextStaged();
            advance();
        }

        private Map.Entry<Bytes, byte[]> nextStaged() {
            while (staged.hasNext()) {
                Map.Entry<Bytes, byte[]> e = staged.next();
                byte[] k = e.getKey().get();
                if (prefix == null || k.length >= prefix.length
                        && Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length)) {
                    return Map.entry(e.getKey(), e.getValue());
                }
            }
            return null;
        }

        private void advance() {
            next = null;
            while (next == null) {
                Bytes baseKey = base.hasNext() ? base.peekNextKey() : null;
                if (baseKey == null && stagedHead == null) {
                    return;
                }
                int order = baseKey == null ? 1 : stagedHead == null ? -1 : baseKey.compareTo(stagedHead.getKey());
                if (reverse && baseKey != null && stagedHead != null) {
                    order = -order;
                }
                if (order < 0) {
                    next = base.next();
                    return;
                }
                if (order == 0) {
                    base.next();                      // the staged write replaces or hides it
                }
                Map.Entry<Bytes, byte[]> s = stagedHead;
                stagedHead = nextStaged();
                if (s.getValue() != DELETED) {
                    next = KeyValue.pair(s.getKey(), s.getValue());
                }
            }
        }

        @Override
        public boolean hasNext() {
            return next != null;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, byte[]> current = next;
            advance();
            return current;
        }

        @Override
        public Bytes peekNextKey() {
            if (next == null) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
            base.close();
        }
    }
}
