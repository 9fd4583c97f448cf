package io.cdrpipeline.retention;

import io.cdrpipeline.catalogue.OwnedStore;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.serde.AvroSerde;
import java.util.Collection;
import java.util.function.BiConsumer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Read access to the two control mirrors every task shares ({@link io.cdrpipeline.state.ControlStore},
 * kept by {@link GlobalStoreUpdater}): legal holds ({@code account|holdId}) and erasure requests
 * (by subject token). Global, because a subject's records are spread over every partition. What
 * the global thread applied is visible here at once; only values the sweeps can use are mirrored.
 */
public final class ControlMirrors {

    public static final String HOLDS_STORE = OwnedStore.LEGAL_HOLDS.storeName();
    public static final String ERASURES_STORE = OwnedStore.ERASURE_REQUESTS.storeName();
    private static final StringSerializer STRINGS = new StringSerializer();
    private static final AvroSerde<ErasureRequest> REQUESTS = new AvroSerde<>(ErasureRequest.class,
            ErasureRequest.getClassSchema());

    private final ReadOnlyKeyValueStore<String, byte[]> holds;
    private final ReadOnlyKeyValueStore<String, byte[]> erasures;

    public ControlMirrors(ReadOnlyKeyValueStore<String, byte[]> holds, ReadOnlyKeyValueStore<String, byte[]> erasures) {
        this.holds = holds;
        this.erasures = erasures;
    }

    public boolean held(String account) {
        if (account == null || holds.approximateNumEntries() == 0) {
            return false;
        }
        try (KeyValueIterator<String, byte[]> it = holds.prefixScan(account + "|", STRINGS)) {
            return it.hasNext();
        }
    }

    /**
     * When the earliest erasure request naming any of {@code tokens} was filed (epoch ms), or null when
     * none does. The mirror's count is exact, so while no request exists this costs nothing.
     */
    public Long erasedAt(Collection<String> tokens) {
        if (erasures.approximateNumEntries() == 0) {
            return null;
        }
        Long earliest = null;
        for (String t : tokens) {
            byte[] v = t == null ? null : erasures.get(t);
            if (v != null) {
                long at = REQUESTS.decode(v).getRequestedAt().toEpochMilli();
                earliest = earliest == null ? at : Math.min(earliest, at);
            }
        }
        return earliest;
    }

    /** Every erasure request token with its encoded request. */
    public void forEachErasure(BiConsumer<String, byte[]> action) {
        try (KeyValueIterator<String, byte[]> it = erasures.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                action.accept(kv.key, kv.value);
            }
        }
    }
}
