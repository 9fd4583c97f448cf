package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The index gauge counts exactly (issue 22, finding 6): a counting scan in steps after a start, and
 * the entries added or removed meanwhile counted once — by the scan where it had not passed them yet,
 * as changes where it had.
 */
class IndexCountTest {

    @Test
    void shouldCountExactlyWhileEntriesComeAndGoDuringTheCountingScan() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(ExpiryIndex.STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        ExpiryIndex index = new ExpiryIndex(store);
        int n = IndexCount.STEP * 2 + 500;
        for (int i = 0; i < n; i++) {
            store.put(ExpiryIndex.key(1000, i, "pbx:" + i), new byte[] {0});
        }
        IndexCount count = new IndexCount();
        assertThat(count.step(index)).as("one step counts at most its share").isFalse();
        // Changes behind the scan (callEnd 5) and ahead of it (callEnd n - 5, and a new key at the end).
        for (Bytes k : List.of(ExpiryIndex.key(1000, 5, "pbx:5"), ExpiryIndex.key(1000, n - 5, "pbx:" + (n - 5)))) {
            store.delete(k);
            count.removed(k);
        }
        for (Bytes k : List.of(ExpiryIndex.key(1000, 3, "pbx:new-behind"), ExpiryIndex.key(2000, 1, "pbx:new-ahead"))) {
            store.put(k, new byte[] {0});
            count.added(k);
        }
        while (!count.step(index)) {
            // the scan goes on, one step per sweep
        }
        assertThat(count.count()).isEqualTo(n - 2 + 2);
        Bytes later = ExpiryIndex.key(3000, 1, "pbx:later");
        store.put(later, new byte[] {0});
        count.added(later);
        assertThat(count.count()).isEqualTo(n + 1).isEqualTo(store.approximateNumEntries());
    }
}
