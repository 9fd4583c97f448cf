package io.cdrpipeline.retention;

import io.cdrpipeline.catalogue.OwnedStore;
import io.cdrpipeline.schema.DataClass;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Where the sweeps are, per task, in the logged meta store: the policy version the index is
 * filed under (and a re-index pass's progress), the analytics window the cursors last moved
 * under, one cursor per deletion and window class, the subject index's generation and the
 * erasure requests already carried out. Typed here; the stored layout (UTF-8 text keys and
 * values) is the one earlier versions wrote, so a changelog restores across an upgrade.
 */
public final class SweepState {

    public static final String STORE = OwnedStore.RETENTION_META.storeName();
    private static final String POLICY_VERSION = "policy-version";
    private static final String REINDEX_CURSOR = "reindex-cursor";
    /** The policy version the re-index cursor was scanning for: a cursor of another version is void. */
    private static final String REINDEX_FOR = "reindex-for";
    private static final String ANALYTICS_WINDOW = "analytics-window";
    private static final String CURSOR = "cursor|";
    private static final String SUBJECT_GENERATION = "subject-index-generation";
    private static final String ERASED = "erased|";
    /** Where the scan of a request not yet done stopped: {@code erasing|<token>|<request id>} → subject-index key. */
    private static final String ERASING = "erasing|";
    private static final String KEEP_ALIVE = "keep-alive";

    private final KeyValueStore<String, byte[]> meta;
    private final Map<DataClass, Map<Long, Bytes>> cursors = new EnumMap<>(DataClass.class);
    /** The analytics window the cursors last moved under, read from the store once (null: none recorded). */
    private Long sweptUnder;
    private boolean sweptUnderRead;

    public SweepState(KeyValueStore<String, byte[]> meta) {
        this.meta = meta;
        cursors.put(DataClass.ANALYTICS, new HashMap<>());
        cursors.put(DataClass.BILLING, new HashMap<>());
    }

    /** The policy version the index is filed under; null when this task never recorded one. */
    public Integer policyVersion() {
        String v = text(POLICY_VERSION);
        return v == null ? null : Integer.valueOf(v);
    }

    public void policyVersion(int version) {
        put(POLICY_VERSION, Integer.toString(version));
    }

    /** Whether a re-index pass is under way (entries may still sit in an old window's class). */
    public boolean reindexing() {
        return meta.get(REINDEX_FOR) != null;
    }

    /** Where the re-index pass for {@code version} stopped; null to start from the beginning. */
    public Bytes reindexCursor(int version) {
        String scanningFor = text(REINDEX_FOR);
        byte[] cursor = scanningFor != null && scanningFor.equals(Integer.toString(version)) ? meta.get(REINDEX_CURSOR) : null;
        return cursor == null ? null : Bytes.wrap(cursor);
    }

    public void reindexProgress(int version, Bytes cursor) {
        meta.put(REINDEX_CURSOR, cursor.get());
        put(REINDEX_FOR, Integer.toString(version));
    }

    /** The re-index pass for {@code version} is complete: the index is filed under it. */
    public void reindexDone(int version) {
        policyVersion(version);
        meta.delete(REINDEX_CURSOR);
        if (meta.get(REINDEX_FOR) != null) {
            meta.delete(REINDEX_FOR);
        }
    }

    /** The analytics window the cursors last moved under; {@code otherwise} when none was recorded. */
    public long sweptAnalyticsWindow(long otherwise) {
        if (!sweptUnderRead) {
            String v = text(ANALYTICS_WINDOW);
            sweptUnder = v == null ? null : Long.valueOf(v);
            sweptUnderRead = true;
        }
        return sweptUnder == null ? otherwise : sweptUnder;
    }

    public void sweptUnder(long window) {
        sweptAnalyticsWindow(window);   // what is stored, read once
        if (sweptUnder == null || sweptUnder != window) {
            put(ANALYTICS_WINDOW, Long.toString(window));
            sweptUnder = window;
        }
    }

    /** The cursor of one deletion in one class (null: nothing passed yet), read from the store once. */
    public Bytes cursor(DataClass kind, long window) {
        Map<Long, Bytes> cache = cursors.get(kind);
        Bytes c = cache.get(window);
        if (c == null && !cache.containsKey(window)) {
            byte[] stored = meta.get(cursorName(kind, window));
            c = stored == null ? null : Bytes.wrap(stored);
            cache.put(window, c);
        }
        return c;
    }

    /** Whether the cursor of {@code kind} in the entry's class has passed it: its deletion is done (or due now). */
    public boolean passed(DataClass kind, ExpiryIndex.Entry e) {
        Bytes cursor = cursor(kind, e.window());
        return cursor != null && ExpiryIndex.compare(e.key(), cursor) <= 0;
    }

    /** Moves a cursor in memory; {@link #saveCursor} writes it once per step. */
    public void moveCursor(DataClass kind, long window, Bytes position) {
        cursors.get(kind).put(window, position);
    }

    public void saveCursor(DataClass kind, long window) {
        Bytes c = cursor(kind, window);
        if (c != null) {
            meta.put(cursorName(kind, window), c.get());
        }
    }

    /** The generation of the subject index this state belongs to (null: none recorded). */
    public byte[] subjectGeneration() {
        return meta.get(SUBJECT_GENERATION);
    }

    public void subjectGeneration(byte[] generation) {
        meta.put(SUBJECT_GENERATION, generation);
    }

    /** Whether the erasure request {@code requestId} for {@code token} was carried out by this task. */
    public boolean erased(String token, String requestId) {
        byte[] done = meta.get(ERASED + token);
        return done != null && Arrays.equals(done, requestId.getBytes(StandardCharsets.UTF_8));
    }

    public void markErased(String token, String requestId) {
        put(ERASED + token, requestId);
    }

    /** Where this task's scan for the request {@code requestId} under {@code token} stopped (null: not started). */
    public Bytes erasureCursor(String token, String requestId) {
        byte[] c = meta.get(ERASING + token + "|" + requestId);
        return c == null ? null : Bytes.wrap(c);
    }

    public void erasureProgress(String token, String requestId, Bytes subjectKey) {
        meta.put(ERASING + token + "|" + requestId, subjectKey.get());
    }

    /** The request's scan is exhausted: it is done here, and its cursor goes. */
    public void erasureDone(String token, String requestId) {
        if (meta.get(ERASING + token + "|" + requestId) != null) {
            meta.delete(ERASING + token + "|" + requestId);
        }
        markErased(token, requestId);
    }

    /** Appends to the meta store's changelog (see {@link KeepAlive}). */
    public void keepAlive() {
        meta.put(KEEP_ALIVE, new byte[0]);
        meta.delete(KEEP_ALIVE);
    }

    private static String cursorName(DataClass kind, long window) {
        return CURSOR + kind.name().charAt(0) + '|' + window;
    }

    private String text(String key) {
        byte[] v = meta.get(key);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    private void put(String key, String value) {
        meta.put(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
