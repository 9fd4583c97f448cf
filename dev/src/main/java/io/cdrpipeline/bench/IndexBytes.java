package io.cdrpipeline.bench;

import io.cdrpipeline.retention.ExpiryIndex;
import io.cdrpipeline.retention.SubjectIndex;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** What the retention indexes cost per retained CDR, read from a running pipeline's stores. */
final class IndexBytes {

    private IndexBytes() {
    }

    static String of(KafkaStreams streams) {
        // One pass over each store: the expiry index's entries decoded (what their bytes are), the subject
        // index's counted (its generation mark, a 4-byte key, is no record's).
        long[] e = new long[5];   // entries, record-id bytes, value bytes, subject tokens, account bytes
        each(streams, ExpiryIndex.STORE, 17, (key, value) -> {
            ExpiryIndex.Entry entry = ExpiryIndex.decode(key, value);
            e[0]++;
            e[1] += key.length - 16;
            e[2] += value.length;
            e[3] += entry.tokens().size();
            e[4] += entry.account() == null ? 0 : entry.account().getBytes(StandardCharsets.UTF_8).length;
        });
        long[] subjectBytes = new long[1];
        each(streams, SubjectIndex.STORE, 5, (key, value) -> subjectBytes[0] += key.length + value.length);
        double n = e[0];          // one entry per retained CDR, for its billing and its analytics record
        double tokens = e[3] / n;
        double value = e[2] / n;
        return String.format("Index cost per retained CDR: expiry index %.0f B (%d entries, one per CDR; it is "
                + "also the dedupe store), written once to its changelog; subject index %.0f B, local only (derived, "
                + "no changelog) (logical key+value bytes). Per entry: key 16 B (window class, call end) + record id "
                + "%.1f B; value %.1f B = analytics key 16 B + %.2f subject tokens × 16 B + %.1f B flags, arrival and "
                + "account (account text %.1f B)%n", (16 * n + e[1] + e[2]) / n, e[0], subjectBytes[0] / n, e[1] / n,
                value, tokens, value - 16 - 16 * tokens, e[4] / n);
    }

    /** Every key and value of {@code store} whose key has at least {@code minKeyLength} bytes. */
    private static void each(KafkaStreams streams, String store, int minKeyLength, BiConsumer<byte[], byte[]> action) {
        ReadOnlyKeyValueStore<Bytes, byte[]> s = streams.store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.keyValueStore()));
        try (KeyValueIterator<Bytes, byte[]> it = s.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (kv.key.get().length >= minKeyLength) {
                    action.accept(kv.key.get(), kv.value);
                }
            }
        }
    }
}
