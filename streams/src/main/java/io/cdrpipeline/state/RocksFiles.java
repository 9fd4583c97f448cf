package io.cdrpipeline.state;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.FlushOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;
import org.apache.kafka.streams.KeyValue;

/**
 * The RocksDB files under one {@link PurgeableStore}: a data column family (no compression, so a
 * scan of the state directory sees what is there) and, for a transactional store, a column family
 * of committed changelog offsets; the native handles and how they are opened, written, compacted
 * and closed. Every failure becomes a {@link ProcessorStateException} naming the store.
 */
final class RocksFiles implements AutoCloseable {

    static {
        RocksDB.loadLibrary();
    }

    private static final byte[] OFFSETS_FAMILY = "cdr-committed-offsets".getBytes(StandardCharsets.UTF_8);
    /** A key no caller uses: it names nothing. */
    private static final byte[] ROLL = {0, 0, 'r', 'o', 'l', 'l'};

    private final String name;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    private final RocksTuning tuning;
    private final Set<RocksRange> openIterators = new HashSet<>();
    private RocksDB db;
    private ColumnFamilyHandle data;
    private ColumnFamilyHandle offsets;
    /** The smallest and largest key deleted since the last purge; null when none was. */
    private byte[] dirtyFrom;
    private byte[] dirtyTo;

    /** Opens (or creates) the files in {@code dir}; {@code logged}: with a write-ahead log (transactional stores). */
    RocksFiles(String name, File dir, boolean logged) {
        this.name = name;
        tuning = new RocksTuning(logged);
        try {
            db = RocksDB.open(tuning.db(), dir.getAbsolutePath(), List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, tuning.data()),
                    new ColumnFamilyDescriptor(OFFSETS_FAMILY, tuning.offsets())), handles);
            data = handles.get(0);
            offsets = handles.get(1);
        } catch (RocksDBException e) {
            close();
            throw new ProcessorStateException("cannot open store " + name + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    void put(byte[] key, byte[] value) {
        try {
            db.put(data, tuning.write(), key, value);
        } catch (RocksDBException e) {
            throw failed("put into", e);
        }
    }

    void delete(byte[] key) {
        try {
            db.delete(data, tuning.write(), key);
        } catch (RocksDBException e) {
            throw failed("delete from", e);
        }
        deleted(key);
    }

    /** Records a key deleted from the files: the next {@link #purge} compacts the range of all such keys. */
    void deleted(byte[] key) {
        if (dirtyFrom == null || Arrays.compareUnsigned(key, dirtyFrom) < 0) {
            dirtyFrom = key.clone();
        }
        if (dirtyTo == null || Arrays.compareUnsigned(key, dirtyTo) > 0) {
            dirtyTo = key.clone();
        }
    }

    /** Whether anything was deleted since the last purge. */
    boolean dirty() {
        return dirtyFrom != null;
    }

    byte[] get(byte[] key) {
        try {
            return db.get(data, key);
        } catch (RocksDBException e) {
            throw failed("get from", e);
        }
    }

    /** Restored (committed) records, straight to the data family. */
    void restore(Iterable<KeyValue<byte[], byte[]>> records) {
        try (WriteBatch batch = new WriteBatch()) {
            for (KeyValue<byte[], byte[]> kv : records) {
                if (kv.value == null) {
                    batch.delete(data, kv.key);
                    deleted(kv.key);
                } else {
                    batch.put(data, kv.key, kv.value);
                }
            }
            db.write(tuning.write(), batch);
        } catch (RocksDBException e) {
            throw failed("restoring", e);
        }
    }

    /** One atomic, logged batch: the staged writes and the changelog offsets they reach. */
    void commit(StagedWrites staged, Map<TopicPartition, Long> changelogOffsets) {
        try (WriteBatch batch = new WriteBatch()) {
            staged.writeTo(batch, data, this::deleted);
            for (Map.Entry<TopicPartition, Long> e : changelogOffsets.entrySet()) {
                if (e.getValue() != null) {
                    batch.put(offsets, offsetKey(e.getKey()), ByteBuffer.allocate(8).putLong(e.getValue()).array());
                }
            }
            db.write(tuning.write(), batch);
        } catch (RocksDBException e) {
            throw failed("committing", e);
        }
    }

    Long committedOffset(TopicPartition partition) {
        try {
            byte[] v = db.get(offsets, offsetKey(partition));
            return v == null ? null : ByteBuffer.wrap(v).getLong();
        } catch (RocksDBException e) {
            throw failed("reading the committed offset of", e);
        }
    }

    long estimatedKeys() {
        try {
            return db.getLongProperty(data, "rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw failed("estimating the size of", e);
        }
    }

    /** The committed entries from {@code from} to {@code to} (null: open), or an empty range when {@code from > to}. */
    RocksRange range(byte[] from, byte[] to, boolean reverse, byte[] prefix) {
        boolean empty = from != null && to != null && Arrays.compareUnsigned(from, to) > 0;
        RocksRange r = new RocksRange(name, db.newIterator(data), empty ? null : from, empty ? null : to, reverse,
                empty ? null : prefix, empty, this::closed);
        synchronized (openIterators) {
            openIterators.add(r);
        }
        return r;
    }

    private void closed(RocksRange r) {
        synchronized (openIterators) {
            openIterators.remove(r);
        }
    }

    void flush() {
        try (FlushOptions f = new FlushOptions().setWaitForFlush(true)) {
            db.flush(f, handles);
        } catch (RocksDBException e) {
            throw failed("flushing", e);
        }
    }

    /**
     * Makes every key deleted since the last purge leave the files: flushes, then compacts their
     * range down to the bottom level, where RocksDB drops deletion markers and the values they hide
     * (no snapshot is ever held); then rolls the MANIFEST past the compaction, so that it no longer
     * names the purged files' keys. Returns whether there was anything to do.
     */
    boolean purge() {
        if (dirtyFrom == null) {
            return false;
        }
        byte[] from = dirtyFrom;
        byte[] to = dirtyTo;
        flush();
        // CompactRange's end is exclusive in effect for keys equal to it on some levels: go one past.
        byte[] end = Arrays.copyOf(to, to.length + 1);
        try (CompactRangeOptions o = new CompactRangeOptions()
                .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)
                .setExclusiveManualCompaction(true)) {
            db.compactRange(data, from, end, o);
        } catch (RocksDBException e) {
            throw failed("purging", e);
        }
        // A MANIFEST that rolls starts with the state before the change that rolled it — here the
        // compaction, so the purged files' first and last keys are in it. One more change (a flush
        // of a reserved key's deletion) rolls it again, starting from the purged state.
        delete(ROLL);
        flush();
        dirtyFrom = null;
        dirtyTo = null;
        return true;
    }

    @Override
    public void close() {
        synchronized (openIterators) {
            new ArrayList<>(openIterators).forEach(RocksRange::close);
        }
        handles.forEach(ColumnFamilyHandle::close);
        handles.clear();
        if (db != null) {
            db.close();
            db = null;
        }
        tuning.close();
    }

    private static byte[] offsetKey(TopicPartition p) {
        return (p.topic() + "\u0000" + p.partition()).getBytes(StandardCharsets.UTF_8);
    }

    private ProcessorStateException failed(String what, RocksDBException e) {
        return new ProcessorStateException(what + " store " + name + " failed: " + e.getMessage(), e);
    }
}
