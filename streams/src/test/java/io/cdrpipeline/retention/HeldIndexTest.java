package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The held index on its own: which parked records a released account gives back, within a budget (issue 14). */
class HeldIndexTest {

    @Test
    void givesBackTheParkedRecordsOfReleasedAccountsOnlyInAccountOrderWithinTheBudget() {
        KeyValueStore<Bytes, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(HeldIndex.STORE),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        store.init(new MockProcessorContext<>().getStateStoreContext(), store);
        HeldIndex held = new HeldIndex(store);
        // acct-a: still held, three records; acct-b: released, two; acct-c: released, one; "acct-b2" shares a prefix.
        for (String k : List.of("a1", "a2", "a3")) {
            held.park("acct-a", key(k));
        }
        held.park("acct-b", key("b1"));
        held.park("acct-b", key("b2"));
        held.park("acct-b2", key("x1"));
        held.park("acct-c", key("c1"));
        Set<String> inForce = Set.of("acct-a", "acct-b2");

        assertThat(held.released(inForce::contains, 10)).extracting(p -> p.account() + "/" + text(p.indexKey()))
                .containsExactly("acct-b/b1", "acct-b/b2", "acct-c/c1");
        assertThat(held.released(inForce::contains, 2)).extracting(p -> p.account() + "/" + text(p.indexKey()))
                .containsExactly("acct-b/b1", "acct-b/b2");
        assertThat(held.released(inForce::contains, 1)).hasSize(1);
        assertThat(held.released(a -> true, 10)).as("everyone held").isEmpty();
        assertThat(held.released(a -> false, 10)).as("everyone released").hasSize(7);

        held.remove("acct-b", key("b1"));
        assertThat(held.released(inForce::contains, 10)).extracting(p -> p.account() + "/" + text(p.indexKey()))
                .containsExactly("acct-b/b2", "acct-c/c1");
    }

    private static Bytes key(String s) {
        return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(Bytes b) {
        return new String(b.get(), StandardCharsets.UTF_8);
    }
}
