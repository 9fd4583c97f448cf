package io.cdrpipeline.state;

import java.io.File;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.BatchingStateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.common.TopicPartition;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.FlushOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

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
 * WAL files that held deleted values obsolete, and RocksDB deletes them.
 */
public final class PurgeableStore implements KeyValueStore<Bytes, byte[]> {

    static {
        RocksDB.loadLibrary();
    }

    private final String name;
    private final PurgeableStores registry;
    private final Set<RocksRange> openIterators = new HashSet<>();
    private static final byte[] OFFSETS_FAMILY = "cdr-committed-offsets".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private final boolean transactional;
    private final StagedWrites staged = new StagedWrites();
    private DBOptions dbOptions;
    private ColumnFamilyOptions familyOptions;
    private ColumnFamilyOptions offsetsFamilyOptions;
    private ColumnFamilyHandle data;
    private ColumnFamilyHandle offsets;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    /** A purge asked for while deletions were still staged: done right after they are committed. */
    private boolean purgeAfterCommit;
    private LRUCache cache;
    private WriteOptions writeOptions;
    private RocksDB db;
    private File dir;
    private TaskId taskId;
    private volatile boolean open;
    /** The smallest and largest key deleted since the last purge; null when none was. */
    private byte[] dirtyFrom;
    private byte[] dirtyTo;

    PurgeableStore(String name, PurgeableStores registry) {
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
        cache = new LRUCache(16L * 1024 * 1024);
        BlockBasedTableConfig table = new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(4096);
        dbOptions = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // The info log names keys (a manual compaction logs its range): warnings and errors only.
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                // The MANIFEST records every table file's first and last key, and keeps the records of deleted
                // files until it rolls (1 GB by default). Rolling at every change leaves only live files' keys.
                .setMaxManifestFileSize(1);
        familyOptions = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setBottommostCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(16L * 1024 * 1024)
                .setMaxWriteBufferNumber(3)
                .setTableFormatConfig(table);
        offsetsFamilyOptions = new ColumnFamilyOptions().setWriteBufferSize(64L * 1024);
        // Transactional: the WAL makes each commit durable against a process crash (the changelog offset with it).
        writeOptions = new WriteOptions().setDisableWAL(!transactional);
        try {
            db = RocksDB.open(dbOptions, dir.getAbsolutePath(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                    new ColumnFamilyDescriptor(OFFSETS_FAMILY, offsetsFamilyOptions)), handles);
            data = handles.get(0);
            offsets = handles.get(1);
        } catch (RocksDBException e) {
            closeNative();
            throw new ProcessorStateException("cannot open store " + name + " in " + dir + ": " + e.getMessage(), e);
        }
        open = true;
        taskId = context.taskId();
        context.register(root, (BatchingStateRestoreCallback) this::restoreAll);
        registry.opened(taskId, this);
    }

    private void restoreAll(Collection<KeyValue<byte[], byte[]>> records) {
        try (WriteBatch batch = new WriteBatch()) {
            // Restored records are committed ones: straight to RocksDB (replaying them again is harmless).
            for (KeyValue<byte[], byte[]> kv : records) {
                if (kv.value == null) {
                    batch.delete(data, kv.key);
                    dirty(kv.key);
                } else {
                    batch.put(data, kv.key, kv.value);
                }
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new ProcessorStateException("restoring store " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void put(Bytes key, byte[] value) {
        validateOpen();
        if (value == null) {
            delete(key);
            return;
        }
        if (transactional) {
            staged.put(key, value);
            return;
        }
        try {
            db.put(data, writeOptions, key.get(), value);
        } catch (RocksDBException e) {
            throw new ProcessorStateException("put into store " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] existing = get(key);
        if (existing == null) {
            put(key, value);
        }
        return existing;
    }

    @Override
    public synchronized void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> kv : entries) {
            put(kv.key, kv.value);
        }
    }

    @Override
    public synchronized byte[] delete(Bytes key) {
        validateOpen();
        byte[] old = get(key);
        if (transactional) {
            staged.delete(key);
            return old;
        }
        try {
            db.delete(data, writeOptions, key.get());
        } catch (RocksDBException e) {
            throw new ProcessorStateException("delete from store " + name + " failed: " + e.getMessage(), e);
        }
        dirty(key.get());
        return old;
    }

    @Override
    public synchronized byte[] get(Bytes key) {
        validateOpen();
        byte[] pending = staged.lookup(key);
        if (pending != null) {
            return pending == StagedWrites.DELETED ? null : pending;
        }
        try {
            return db.get(data, key.get());
        } catch (RocksDBException e) {
            throw new ProcessorStateException("get from store " + name + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return iterator(from, to, false);
    }

    @Override
    public synchronized KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return iterator(from, to, true);
    }

    @Override
    public synchronized KeyValueIterator<Bytes, byte[]> all() {
        return iterator(null, null, false);
    }

    @Override
    public synchronized KeyValueIterator<Bytes, byte[]> reverseAll() {
        return iterator(null, null, true);
    }

    @Override
    public synchronized <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS serializer) {
        byte[] p = serializer.serialize(null, prefix);
        return iterator(Bytes.wrap(p), null, false, p);
    }

    @Override
    public long approximateNumEntries() {
        validateOpen();
        try {
            return db.getLongProperty(data, "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw new ProcessorStateException("cannot estimate the size of store " + name, e);
        }
    }

    @Override
    public synchronized void flush() {
        if (!open) {
            return;
        }
        try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
            db.flush(f, handles);
        } catch (RocksDBException e) {
            throw new ProcessorStateException("flushing store " + name + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Transactional: writes the staged writes and the changelog offsets they reach, atomically and
     * logged; then does a purge that was asked for while deletions were staged. Otherwise (Kafka
     * Streams keeps the offsets in its checkpoint file) flushes, as a store that does not manage
     * offsets must.
     */
    @Override
    public synchronized void commit(java.util.Map<TopicPartition, Long> changelogOffsets) {
        if (!open) {
            return;
        }
        if (!transactional) {
            flush();
            return;
        }
        try (WriteBatch batch = new WriteBatch()) {
            staged.writeTo(batch, data, this::dirty);
            for (java.util.Map.Entry<TopicPartition, Long> e : changelogOffsets.entrySet()) {
                if (e.getValue() != null) {
                    batch.put(offsets, offsetKey(e.getKey()), java.nio.ByteBuffer.allocate(8).putLong(e.getValue()).array());
                }
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new ProcessorStateException("committing store " + name + " failed: " + e.getMessage(), e);
        }
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
        try {
            byte[] v = db.get(offsets, offsetKey(partition));
            return v == null ? null : java.nio.ByteBuffer.wrap(v).getLong();
        } catch (RocksDBException e) {
            throw new ProcessorStateException("reading the committed offset of store " + name + " failed", e);
        }
    }

    @Override
    public boolean managesOffsets() {
        return transactional;
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return staged.bytes();
    }

    private static byte[] offsetKey(TopicPartition p) {
        return (p.topic() + "\u0000" + p.partition()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Whether anything was deleted since the last purge. */
    public synchronized boolean dirty() {
        return dirtyFrom != null;
    }

    /**
     * Makes every key deleted since the last purge leave the store's files: flushes the memtable
     * and compacts the deleted range to the bottom level, where RocksDB drops deletion markers and
     * the values they hide (no snapshot is ever held). Returns whether there was anything to do.
     */
    public synchronized boolean purge() {
        if (transactional && staged.hasDeletions()) {
            purgeAfterCommit = true;               // those deletions reach the files at the commit
        }
        if (!open || dirtyFrom == null) {
            return false;
        }
        flush();
        // CompactRange's end is exclusive in effect for keys equal to it on some levels: go one past.
        byte[] end = Arrays.copyOf(dirtyTo, dirtyTo.length + 1);
        try (CompactRangeOptions o = new CompactRangeOptions()
                .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)
                .setExclusiveManualCompaction(true)) {
            db.compactRange(data, dirtyFrom, end, o);
        } catch (RocksDBException e) {
            throw new ProcessorStateException("purging store " + name + " failed: " + e.getMessage(), e);
        }
        dirtyFrom = null;
        dirtyTo = null;
        rollManifest();
        return true;
    }

    /** A key no caller uses: it names nothing. */
    private static final byte[] ROLL = {0, 0, 'r', 'o', 'l', 'l'};

    /**
     * A MANIFEST that rolls starts with the state before the change that rolled it — here the
     * compaction, so the purged files' first and last keys are in it. One more change (a flush
     * of a reserved key's deletion) rolls it again, starting from the purged state.
     */
    private void rollManifest() {
        try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
            db.delete(data, writeOptions, ROLL);
            db.flush(f, handles);
        } catch (RocksDBException e) {
            throw new ProcessorStateException("purging store " + name + " failed: " + e.getMessage(), e);
        }
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
            new ArrayList<>(openIterators).forEach(RocksRange::close);
            closeNative();
        }
    }

    private void closeNative() {
        handles.forEach(ColumnFamilyHandle::close);
        handles.clear();
        if (db != null) {
            db.close();
            db = null;
        }
        if (writeOptions != null) {
            writeOptions.close();
        }
        for (AutoCloseable o : new AutoCloseable[] {dbOptions, familyOptions, offsetsFamilyOptions}) {
            if (o != null) {
                try {
                    o.close();
                } catch (Exception e) {
                    // native handles: nothing more to do
                }
            }
        }
        if (cache != null) {
            cache.close();
        }
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    File directory() {
        return dir;
    }

    private void dirty(byte[] key) {
        if (dirtyFrom == null || Arrays.compareUnsigned(key, dirtyFrom) < 0) {
            dirtyFrom = key.clone();
        }
        if (dirtyTo == null || Arrays.compareUnsigned(key, dirtyTo) > 0) {
            dirtyTo = key.clone();
        }
    }

    private void validateOpen() {
        if (!open) {
            throw new org.apache.kafka.streams.errors.InvalidStateStoreException("store " + name + " is not open");
        }
    }

    private KeyValueIterator<Bytes, byte[]> iterator(Bytes from, Bytes to, boolean reverse) {
        return iterator(from, to, reverse, null);
    }

    private KeyValueIterator<Bytes, byte[]> iterator(Bytes from, Bytes to, boolean reverse, byte[] prefix) {
        validateOpen();
        KeyValueIterator<Bytes, byte[]> committed;
        if (from != null && to != null && from.compareTo(to) > 0) {
            committed = iteratorOver(db.newIterator(data), null, null, reverse, null, true);
        } else {
            committed = iteratorOver(db.newIterator(data), from == null ? null : from.get(), to == null ? null : to.get(),
                    reverse, prefix, false);
        }
        return staged.isEmpty() ? committed : staged.overlay(committed, from, to, reverse, prefix);
    }

    private RocksRange iteratorOver(RocksIterator it, byte[] from, byte[] to, boolean reverse, byte[] prefix,
            boolean empty) {
        RocksRange r = new RocksRange(name, it, from, to, reverse, prefix, empty, this::closed);
        openIterators.add(r);
        return r;
    }

    private synchronized void closed(RocksRange r) {
        openIterators.remove(r);
    }
}
