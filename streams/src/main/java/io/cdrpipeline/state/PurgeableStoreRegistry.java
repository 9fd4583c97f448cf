package io.cdrpipeline.state;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import java.time.Duration;

/**
 * The {@link PurgeableStore}s of one Kafka Streams application: a store supplier per store name
 * for the topology, and, for the processors, the stores each task has open, so that a task's
 * retention sweep can purge what it deleted ({@link #purge(TaskId)}). One instance per
 * application instance (several may share a JVM, as in the failover tests).
 */
public final class PurgeableStoreRegistry {

    private final Map<TaskId, List<PurgeableStore>> open = new ConcurrentHashMap<>();
    private final boolean transactional;

    /** Stores that write through (Kafka Streams' checkpoint file keeps their offsets). */
    public PurgeableStoreRegistry() {
        this(false);
    }

    /**
     * Transactional stores (staged writes, offsets committed with them) must run in an application
     * with exactly-once and {@code enable.transactional.statestores=true}; see {@link PurgeableStore}.
     */
    public PurgeableStoreRegistry(boolean transactional) {
        this.transactional = transactional;
    }

    boolean transactional() {
        return transactional;
    }

    /** A supplier of purgeable stores called {@code name}, for {@code Stores.keyValueStoreBuilder}. */
    public KeyValueBytesStoreSupplier supplier(String name) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new PurgeableStore(name, PurgeableStoreRegistry.this);
            }

            @Override
            public String metricsScope() {
                return "purgeable-rocksdb";
            }
        };
    }

    /** Purges every store of the task that deleted something since its last purge; returns how many did. */
    public int purge(TaskId task) {
        int n = 0;
        for (PurgeableStore s : open.getOrDefault(task, List.of())) {
            if (s.purge()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Purges every open store — standby replicas' included, which no sweep purges: they apply the
     * changelog's deletions as they restore — that deleted something and was not purged for
     * {@code idle}. Returns how many it purged.
     */
    public int purgeIdle(Duration idle) {
        int n = 0;
        for (List<PurgeableStore> stores : open.values()) {
            for (PurgeableStore s : stores) {
                if (s.purgeIfIdle(idle.toNanos())) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The task's open store of that name, or null (not opened yet, or not a purgeable store). */
    public PurgeableStore store(TaskId task, String name) {
        for (PurgeableStore s : open.getOrDefault(task, List.of())) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    void opened(TaskId task, PurgeableStore store) {
        open.computeIfAbsent(task, t -> new CopyOnWriteArrayList<>()).add(store);
    }

    void closed(TaskId task, PurgeableStore store) {
        List<PurgeableStore> stores = open.get(task);
        if (stores != null) {
            stores.remove(store);
        }
    }
}
