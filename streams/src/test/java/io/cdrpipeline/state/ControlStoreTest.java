package io.cdrpipeline.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

/**
 * The control mirror: what one thread writes another reads at once, with an exact count (issue 21:
 * Kafka's in-memory store under transactional state stores counted only committed entries, so the
 * arrival path saw no request until a restart).
 */
class ControlStoreTest {

    @Test
    void shouldShowAWriteToEveryReaderAtOnceWithAnExactCount() throws Exception {
        KeyValueStore<Bytes, byte[]> store = ControlStore.supplier("erasure-requests").get();
        assertThat(store.approximateNumEntries()).isZero();
        Thread writer = new Thread(() -> store.put(key("tok-1"), new byte[] {1}));
        writer.start();
        writer.join();
        assertThat(store.approximateNumEntries()).isEqualTo(1);
        assertThat(store.get(key("tok-1"))).containsExactly(1);
        store.put(key("tok-1"), new byte[] {2});
        assertThat(store.approximateNumEntries()).as("a replaced value is one entry").isEqualTo(1);
        store.put(key("tok-1"), null);
        store.delete(key("tok-1"));
        assertThat(store.approximateNumEntries()).isZero();
    }

    @Test
    void shouldScanByPrefixAndRangeInByteOrderWhileAnotherThreadWrites() throws Exception {
        KeyValueStore<Bytes, byte[]> store = ControlStore.supplier("legal-holds").get();
        for (String k : List.of("acct-1|h1", "acct-1|h2", "acct-10|h1", "acct-2|h1")) {
            store.put(key(k), new byte[0]);
        }
        try (KeyValueIterator<Bytes, byte[]> it = store.prefixScan("acct-1|", new StringSerializer())) {
            List<String> keys = new ArrayList<>();
            it.forEachRemaining(kv -> keys.add(new String(kv.key.get(), StandardCharsets.UTF_8)));
            assertThat(keys).containsExactly("acct-1|h1", "acct-1|h2");
        }
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            started.countDown();
            for (int i = 0; !stop.get(); i++) {
                store.put(key("acct-9|h" + (i % 500)), new byte[0]);
                store.delete(key("acct-9|h" + ((i + 250) % 500)));
            }
        });
        writer.start();
        started.await();
        for (int round = 0; round < 200; round++) {
            try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                it.forEachRemaining(kv -> assertThat(kv.value).isNotNull());   // never a ConcurrentModificationException
            }
        }
        stop.set(true);
        writer.join();
        assertThat(store.approximateNumEntries()).isEqualTo(countAll(store));
    }

    private static long countAll(KeyValueStore<Bytes, byte[]> store) {
        long n = 0;
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static Bytes key(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }
}
