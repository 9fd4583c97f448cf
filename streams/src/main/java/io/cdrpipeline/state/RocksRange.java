package io.cdrpipeline.state;

import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.rocksdb.RocksIterator;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The committed keys of a {@link PurgeableStore} from {@code from} to {@code to}, both inclusive
 * (null: unbounded), optionally only those with a prefix, in byte order or its reverse.
 */
final class RocksRange implements KeyValueIterator<Bytes, byte[]> {

    private final String store;
    private final Consumer<RocksRange> onClose;
    private final RocksIterator it;
    private final byte[] from;
    private final byte[] to;
    private final boolean reverse;
    private final byte[] prefix;
    private KeyValue<Bytes, byte[]> next;
    private boolean closed;

    RocksRange(String store, RocksIterator it, byte[] from, byte[] to, boolean reverse, byte[] prefix, boolean empty,
            Consumer<RocksRange> onClose) {
        this.store = store;
        this.onClose = onClose;
        this.it = it;
        this.from = from;
        this.to = to;
        this.reverse = reverse;
        this.prefix = prefix;
        if (empty) {
            return;
        }
        if (reverse) {
            if (to == null) {
                it.seekToLast();
            } else {
                it.seekForPrev(to);
            }
        } else if (from == null) {
            it.seekToFirst();
        } else {
            it.seek(from);
        }
        advance();
    }

    private void advance() {
        next = null;
        if (!it.isValid()) {
            return;
        }
        byte[] k = it.key();
        if (reverse ? from != null && Arrays.compareUnsigned(k, from) < 0
                : to != null && Arrays.compareUnsigned(k, to) > 0) {
            return;
        }
        if (prefix != null && (k.length < prefix.length
                || !Arrays.equals(k, 0, prefix.length, prefix, 0, prefix.length))) {
            return;
        }
        next = KeyValue.pair(Bytes.wrap(k), it.value());
    }

    @Override
    public boolean hasNext() {
        if (closed) {
            throw new InvalidStateStoreException("iterator of " + store + " is closed");
        }
        return next != null;
    }

    @Override
    public KeyValue<Bytes, byte[]> next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        KeyValue<Bytes, byte[]> current = next;
        if (reverse) {
            it.prev();
        } else {
            it.next();
        }
        advance();
        return current;
    }

    @Override
    public Bytes peekNextKey() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return next.key;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            onClose.accept(this);
            it.close();
        }
    }
}
