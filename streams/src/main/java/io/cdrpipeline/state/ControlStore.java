package io.cdrpipeline.state;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import java.util.Arrays;
import java.util.NoSuchElementException;

/**
 * The in-memory mirror of a control topic (erasure requests, legal holds), written by Kafka
 * Streams' global thread and read by every stream thread. A write is visible to every reader as
 * soon as it is made, and never undone: a control record takes effect for every CDR processed
 * after the global thread has applied it.
 *
 * <p>Why not Kafka's own in-memory store: with {@code enable.transactional.statestores} it stages
 * writes in a transaction buffer that the global thread commits only every 10,000 records (or
 * at a restart). Its {@code get} reads the buffer, but its entry count does not, and the buffer
 * is a plain map read from other threads. An erasure request filed while the pipeline ran was
 * therefore seen by the sweep but not by the arrival path until the next restart (issue 21). A
 * mirror has nothing to commit — its topic is the log — so this one applies writes at once to
 * a concurrent map, keeps an exact count, and is rebuilt from the topic at every start.
 */
public final class ControlStore extends BytesStore {

    private final String name;
    private final ConcurrentSkipListMap<Bytes, byte[]> map = new ConcurrentSkipListMap<>();
    private final AtomicLong size = new AtomicLong();
    private volatile boolean open;

    ControlStore(String name) {
        this.name = name;
    }

    /** A supplier for {@code Stores.keyValueStoreBuilder}, to be built with logging disabled (the topic is the log). */
    public static KeyValueBytesStoreSupplier supplier(String name) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new ControlStore(name);
            }

            @Override
            public String metricsScope() {
                return "control-mirror";
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        map.clear();
        size.set(0);
        context.register(root, (key, value) -> put(Bytes.wrap(key), value));
        open = true;
    }

    @Override
    public void put(Bytes key, byte[] value) {
        if (value == null) {
            delete(key);
        } else if (map.put(key, value) == null) {
            size.incrementAndGet();
        }
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] old = map.remove(key);
        if (old != null) {
            size.decrementAndGet();
        }
        return old;
    }

    @Override
    public byte[] get(Bytes key) {
        return map.get(key);
    }

    /** Exact: the number of keys now in the mirror. */
    @Override
    public long approximateNumEntries() {
        return size.get();
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public void flush() {
        // Nothing to write: the topic is the log, and the mirror is rebuilt from it at every start.
    }

    @Override
    public void close() {
        open = false;
        map.clear();
        size.set(0);
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    protected KeyValueIterator<Bytes, byte[]> iterator(Bytes from, Bytes to, boolean reverse, byte[] prefix) {
        NavigableMap<Bytes, byte[]> view = map;
        if (from != null && to != null) {
            view = map.subMap(from, true, to, true);
        } else if (from != null) {
            view = map.tailMap(from, true);
        } else if (to != null) {
            view = map.headMap(to, true);
        }
        if (reverse) {
            view = view.descendingMap();
        }
        Iterator<Map.Entry<Bytes, byte[]>> it = view.entrySet().iterator();
        return new KeyValueIterator<>() {
            private Map.Entry<Bytes, byte[]> next = advance();

            private Map.Entry<Bytes, byte[]> advance() {
                if (!it.hasNext()) {
                    return null;
                }
                Map.Entry<Bytes, byte[]> e = it.next();
                return prefix != null && !startsWith(e.getKey().get(), prefix) ? null : e;
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
                KeyValue<Bytes, byte[]> kv = KeyValue.pair(next.getKey(), next.getValue());
                next = advance();
                return kv;
            }

            @Override
            public Bytes peekNextKey() {
                if (next == null) {
                    throw new NoSuchElementException();
                }
                return next.getKey();
            }

            @Override
            public void close() {
                // A view of a concurrent map: nothing to release.
            }
        };
    }

    private static boolean startsWith(byte[] key, byte[] prefix) {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }
}
