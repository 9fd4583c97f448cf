package io.cdrpipeline.state;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.WriteOptions;

/**
 * How {@link RocksFiles} are opened: a 16 MB block cache, no compression (a scan of the state
 * directory sees what is there), an info log without keys, a MANIFEST that keeps no deleted
 * file's keys, and a write-ahead log only for transactional stores. Native handles: closed with the files.
 */
final class RocksTuning implements AutoCloseable {

    private final LRUCache cache = new LRUCache(16L * 1024 * 1024);
    private final DBOptions db;
    private final ColumnFamilyOptions data;
    private final ColumnFamilyOptions offsets = new ColumnFamilyOptions().setWriteBufferSize(64L * 1024);
    private final WriteOptions write;

    RocksTuning(boolean logged) {
        db = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                // The info log names keys (a manual compaction logs its range): warnings and errors only.
                .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                .setKeepLogFileNum(2)
                // The MANIFEST records every table file's first and last key, and keeps the records of deleted
                // files until it rolls (1 GB by default). Rolling at every change leaves only live files' keys.
                .setMaxManifestFileSize(1);
        data = new ColumnFamilyOptions()
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setBottommostCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(16L * 1024 * 1024)
                .setMaxWriteBufferNumber(3)
                .setTableFormatConfig(new BlockBasedTableConfig().setBlockCache(cache).setBlockSize(4096));
        // Transactional: the WAL makes each commit durable against a process crash (the changelog offset with it).
        write = new WriteOptions().setDisableWAL(!logged);
    }

    DBOptions db() {
        return db;
    }

    ColumnFamilyOptions data() {
        return data;
    }

    ColumnFamilyOptions offsets() {
        return offsets;
    }

    WriteOptions write() {
        return write;
    }

    @Override
    public void close() {
        write.close();
        db.close();
        data.close();
        offsets.close();
        cache.close();
    }
}
