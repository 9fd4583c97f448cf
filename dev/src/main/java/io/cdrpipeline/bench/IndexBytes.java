package io.cdrpipeline.bench;

import io.cdrpipeline.retention.ExpiryIndex;
import io.cdrpipeline.retention.SubjectIndex;
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
        long[] expiry = sizes(streams, ExpiryIndex.STORE);
        long[] subject = sizes(streams, SubjectIndex.STORE);
        long recordsRetained = expiry[0];   // one entry per CDR, for its billing and its analytics record
        return String.format("Index cost per retained CDR: expiry index %.0f B (%d entries, one per CDR; it is "
                + "also the dedupe store), written once to its changelog; subject index %.0f B, local only (derived, "
                + "no changelog) (logical key+value bytes). %s%n", (double) expiry[1] / recordsRetained, expiry[0],
                (double) subject[1] / recordsRetained, expiryParts(streams));
    }

    /** What an expiry-index entry's bytes are, averaged over the store. */
    private static String expiryParts(KafkaStreams streams) {
        ReadOnlyKeyValueStore<Bytes, byte[]> s = streams.store(StoreQueryParameters.fromNameAndType(ExpiryIndex.STORE,
                QueryableStoreTypes.keyValueStore()));
        long n = 0;
        long ids = 0;
        long values = 0;
        long tokens = 0;
        long accounts = 0;
        try (KeyValueIterator<Bytes, byte[]> it = s.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (kv.key.get().length < 17) {
                    continue;
                }
                ExpiryIndex.Entry e = ExpiryIndex.decode(kv.key.get(), kv.value);
                n++;
                ids += kv.key.get().length - 16;
                values += kv.value.length;
                tokens += e.tokens().size();
                accounts += e.account() == null ? 0 : e.account().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            }
        }
        double t = (double) tokens / n;
        double v = (double) values / n;
        return String.format("Per entry: key 16 B (window class, call end) + record id %.1f B; value %.1f B = analytics "
                + "key 16 B + %.2f subject tokens × 16 B + %.1f B flags, arrival and account (account text %.1f B)",
                (double) ids / n, v, t, v - 16 - 16 * t, (double) accounts / n);
    }

    private static long[] sizes(KafkaStreams streams, String store) {
        ReadOnlyKeyValueStore<Bytes, byte[]> s = streams.store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.keyValueStore()));
        long count = 0;
        long bytes = 0;
        try (KeyValueIterator<Bytes, byte[]> it = s.all()) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                if (kv.key.get().length < 5) {
                    continue;   // the subject index's generation mark, no record's
                }
                count++;
                bytes += kv.key.get().length + kv.value.length;
            }
        }
        return new long[] {count, bytes};
    }
}
