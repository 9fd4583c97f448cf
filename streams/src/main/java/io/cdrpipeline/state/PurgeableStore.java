package io.cdrpipeline.state;

import java.io.File;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * A persistent key-value store on RocksDB whose deletions can be made to reach the disk.
 *
 * <p>Kafka Streams' own RocksDB store deletes by writing a deletion marker that carries the key;
 * the marker and the value it hides stay in the store's files until a compaction happens to
 * reach the bottom level, which on a quiet store is never — and a clean stop flushes the markers
 * of everything deleted since the last flush into a new file. For the retention indexes, whose
 * keys and values name subjects (tokens, record ids, accounts), that breaks the promise that
 * deleted data leaves the disk. This store keeps the key range it deleted in since its last
 * {@link #purge}; a purge flushes and compacts that range down to the bottom level, where RocksDB
 * drops both the markers and the values they hid, and the files that held them are removed.
 * {@link #close} purges too, so a clean stop leaves no marker behind.
 *
 * <p>Like Kafka Streams' store it writes without a write-ahead log (the changelog is the log),
 * keeps no compression (what a scan of the state directory sees is what is there) and is one
 * instance per task; it is a plain {@link KeyValueStore}, so logging, metering and interactive
 * queries wrap it as they wrap any store. Not thread-safe beyond what Kafka Streams needs: the
 * stream thread writes, interactive queries read.
 *
 * <p><b>Transactional</b> (when the application runs exactly-once with
 * {@code enable.transactional.statestores}): writes are staged ({@link StagedWrites}) and reach
 * RocksDB only in {@link #commit}, together with the changelog offset they correspond to, in one
 * atomic write-ahead-logged batch. A {@code kill -9} then leaves a store that is exactly as of its
 * last commit and says which offset that is, so Kafka Streams replays only the changelog written
 * since — instead of wiping the store and restoring the whole changelog, which grows with retention.
 * The WAL holds no more than a purge allows: a purge flushes every column family, which makes the
 * WAL files that held deleted values obsolete, and RocksDB deletes them. The files themselves are
 * {@link RocksFiles}.
 */
public final class PurgeableStore extends BytesStore {

    private final String name;
    private final PurgeableStoreRegistry registry;
    private final boolean transactional;
    private final StagedWrites staged = new StagedWrites();
    /** A purge asked for while deletions were still staged: done right after they are committed. */
    private boolean purgeAfterCommit;
    private RocksFiles files;
    private File dir;
    private TaskId taskId;
    private volatile boolean open;
    /** Whether the store may hold a key: null until first asked (then looked up), true after any write. */
    private Boolean mayHoldKeys;
    /** When the last purge ran (System.nanoTime), so that stores no sweep purges — standbys — are purged too. */
    private long lastPurge = System.nanoTime();

    PurgeableStore(String name, PurgeableStoreRegistry registry) {
        this.name = name;
        this.registry = registry;
        this.transactional = registry.transactional();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        dir = new File(new File(context.stateDir(), "rocksdb"), name);
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new ProcessorStateException("cannot create the directory of store " + name + ": " + dir);
        }
        files = new RocksFiles(name, dir, transactional);
        open = true;
        taskId = context.taskId();
        context.register(root, (BatchingStateRestoreCallback) this::restoreAll);
        registry.opened(taskId, this);
    }

    private synchronized void restoreAll(Collection<KeyValue<byte[], byte[]>> records) {
        mayHoldKeys = null;
        // Restored records are committed ones: straight to RocksDB (replaying them again is harmless).
        files.restore(records);
    }

    @Override
    public synchronized void put(Bytes key, byte[] value) {
        validateOpen();
        if (value == null) {
            remove(key);   // a deletion that, unlike delete(), does not read the old value back
            return;
        }
        mayHoldKeys = Boolean.TRUE;
        if (transactional) {
            staged.put(key, value);
            return;
        }
        files.put(key.get(), value);
    }

    /**
     * False only when the store is known to hold no key, so that a look-up can be skipped: a store
     * that is usually empty (the deletion ledger) then costs its readers nothing. Looked up on the
     * first call and after {@link #recheckEmpty}; any write makes it true again.
     */
    public synchronized boolean mayHoldKeys() {
        if (mayHoldKeys == null) {
            try (KeyValueIterator<Bytes, byte[]> it = iterator(null, null, false, null)) {
                mayHoldKeys = it.hasNext();
            }
        }
        return mayHoldKeys;
    }

    /** Asks {@link #mayHoldKeys} to look again (its owner deleted keys). */
    public synchronized void recheckEmpty() {
        mayHoldKeys = null;
    }

    private void remove(Bytes key) {
        if (transactional) {
            staged.delete(key);
        } else {
            files.delete(key.get());
        }
    }

    @Override
    public synchronized byte[] delete(Bytes key) {
        validateOpen();
        byte[] old = get(key);
        remove(key);
        return old;
    }

    @Override
    public synchronized byte[] get(Bytes key) {
        validateOpen();
        byte[] pending = staged.lookup(key);
        if (pending != null) {
            return pending == StagedWrites.DELETED ? null : pending;
        }
        return files.get(key.get());
    }

    @Override
    public long approximateNumEntries() {
        validateOpen();
        return files.estimatedKeys();
    }

    @Override
    public synchronized void flush() {
        if (!open) {
            return;
        }
        files.flush();
    }

    /**
     * Transactional: writes the staged writes and the changelog offsets they reach, atomically and
     * logged; then does a purge that was asked for while deletions were staged. Otherwise (Kafka
     * Streams keeps the offsets in its checkpoint file) flushes, as a store that does not manage
     * offsets must.
     */
    @Override
    public synchronized void commit(Map<TopicPartition, Long> changelogOffsets) {
        if (!open) {
            return;
        }
        if (!transactional) {
            flush();
            return;
        }
        files.commit(staged, changelogOffsets);
        staged.clear();
        if (purgeAfterCommit) {
            purgeAfterCommit = false;
            purge();
        }
    }

    @Override
    public synchronized Long committedOffset(TopicPartition partition) {
        if (!transactional || !open) {
            return null;
        }
        return files.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return transactional;
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return staged.bytes();
    }

    /** Whether anything was deleted since the last purge. */
    public synchronized boolean dirty() {
        return open && files.dirty();
    }

    /**
     * Makes every key deleted since the last purge leave the store's files: flushes the memtable
     * and compacts the deleted range to the bottom level, where RocksDB drops deletion markers and
     * the values they hide (no snapshot is ever held). Returns whether there was anything to do.
     */
    public synchronized boolean purge() {
        lastPurge = System.nanoTime();
        if (transactional && staged.hasDeletions()) {
            purgeAfterCommit = true;               // those deletions reach the files at the commit
        }
        return open && files.purge();
    }

    /** Purges if something was deleted and no purge ran for {@code nanos}: returns whether it purged. */
    synchronized boolean purgeIfIdle(long nanos) {
        return open && files.dirty() && System.nanoTime() - lastPurge >= nanos && purge();
    }

    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        try {
            // What was not committed is dropped (Kafka Streams commits before a clean close).
            staged.clear();
            purgeAfterCommit = false;
            // A clean stop flushes the memtable: without this, its deletion markers would stay on disk.
            purge();
            flush();
        } finally {
            open = false;
            registry.closed(taskId, this);
            files.close();
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    File directory() {
        return dir;
    }

    private void validateOpen() {
        if (!open) {
            throw new InvalidStateStoreException("store " + name + " is not open");
        }
    }

    @Override
    protected synchronized KeyValueIterator<Bytes, byte[]> iterator(Bytes from, Bytes to, boolean reverse, byte[] prefix) {
        validateOpen();
        KeyValueIterator<Bytes, byte[]> committed = files.range(from == null ? null : from.get(), to == null ? null : to.get(),
                reverse, prefix);
        return staged.isEmpty() ? committed : staged.overlay(committed, from, to, reverse, prefix);
    }
}
