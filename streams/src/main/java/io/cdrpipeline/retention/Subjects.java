package io.cdrpipeline.retention;

import io.cdrpipeline.catalogue.OwnedStore;
import java.util.Collection;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read access to the two global stores every task shares: legal holds ({@code account|holdId})
 * and erasure requests (by subject token). Global, because a subject's records are spread over
 * every partition. Either store may be absent (a processor tested alone): then nothing is held or erased.
 */
public final class Subjects {

    public static final String HOLDS_STORE = OwnedStore.LEGAL_HOLDS.storeName();
    public static final String ERASURES_STORE = OwnedStore.ERASURE_REQUESTS.storeName();
    private static final StringSerializer STRINGS = new StringSerializer();

    private final ReadOnlyKeyValueStore<String, byte[]> holds;
    private final ReadOnlyKeyValueStore<String, byte[]> erasures;

    public Subjects(ReadOnlyKeyValueStore<String, byte[]> holds, ReadOnlyKeyValueStore<String, byte[]> erasures) {
        this.holds = holds;
        this.erasures = erasures;
    }

    public boolean held(String account) {
        if (holds == null || account == null) {
            return false;
        }
        try (KeyValueIterator<String, byte[]> it = holds.prefixScan(account + "|", STRINGS)) {
            return it.hasNext();
        }
    }

    /** Whether any erasure request exists at all: while none does, nobody needs a subject's tokens. */
    public boolean anyErasure() {
        // The store is in memory: its count is exact and costs nothing, unlike an iterator per record.
        return erasures != null && erasures.approximateNumEntries() > 0;
    }

    public boolean erased(Collection<String> tokens) {
        if (erasures == null) {
            return false;
        }
        for (String t : tokens) {
            if (t != null && erasures.get(t) != null) {
                return true;
            }
        }
        return false;
    }

    /** Every erasure request token with its encoded request. */
    public void forEachErasure(BiConsumer<String, byte[]> action) {
        if (erasures == null) {
            return;
        }
        try (KeyValueIterator<String, byte[]> it = erasures.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                action.accept(kv.key, kv.value);
            }
        }
    }
}
