package io.cdrpipeline.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The subject index on its own: look-ups by token, and a rebuild, in bounded steps, that replaces a stale index whole (issue 14). */
class SubjectIndexTest {

    private static final byte[] ALICE = "alice-token-0001".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BOB = "bob-token-000002".getBytes(StandardCharsets.US_ASCII);

    @Test
    void findsASubjectsRecordsAndRebuildsFromTheExpiryIndex() {
        KeyValueStore<Bytes, byte[]> expiryStore = store(ExpiryIndex.STORE);
        KeyValueStore<Bytes, byte[]> subjectStore = store(SubjectIndex.STORE);
        ExpiryIndex expiry = new ExpiryIndex(expiryStore);
        SubjectIndex subjects = new SubjectIndex(subjectStore);
        ExpiryIndex.Entry a1 = entry("pbx:1", List.of(ALICE));
        ExpiryIndex.Entry a2 = entry("pbx:2", List.of(ALICE, BOB));
        ExpiryIndex.Entry b3 = entry("pbx:3", List.of(BOB));
        for (ExpiryIndex.Entry e : List.of(a1, a2, b3)) {
            expiry.put(e);
        }
        // A stale index: an entry of a record that is gone, none of the live ones.
        subjects.add(entry("pbx:gone", List.of(ALICE)));
        assertThat(subjects.records(ALICE, 10)).hasSize(1);

        // The rebuild as SubjectRebuildStep runs it, in bounded steps: clear, index, mark.
        int cleared = 0;
        for (int n = subjects.clearStep(2); n > 0; n = subjects.clearStep(2)) {
            cleared += n;
        }
        assertThat(cleared).as("the stale entry and nothing else").isEqualTo(1);
        assertThat(subjects.isEmpty()).isTrue();
        Bytes after = null;
        int steps = 0;
        for (Bytes last = subjects.rebuildStep(expiry, null, 2); last != null; last = subjects.rebuildStep(expiry, after, 2)) {
            after = last;
            steps++;
        }
        assertThat(steps).as("three entries, two a step").isEqualTo(2);
        subjects.mark(new byte[] {7});
        assertThat(subjects.generation()).containsExactly(7);
        assertThat(subjects.records(ALICE, 10)).extracting(SubjectIndex.Hit::indexKey).containsExactly(a1.key(), a2.key());
        assertThat(subjects.records(BOB, 10)).extracting(SubjectIndex.Hit::indexKey).containsExactly(a2.key(), b3.key());
        assertThat(subjects.records(BOB, 1)).hasSize(1);
        subjects.remove(a2);
        assertThat(subjects.records(ALICE, 10)).extracting(SubjectIndex.Hit::indexKey).containsExactly(a1.key());
        subjects.mark(new byte[] {8});
        assertThat(subjects.generation()).containsExactly(8);
    }

    private static ExpiryIndex.Entry entry(String id, List<byte[]> tokens) {
        return new ExpiryIndex.Entry(86_400_000L, 1_714_557_600_000L + id.hashCode() % 1000, id, 0, 1_714_557_600_000L,
                new byte[16], "acct-1", tokens);
    }

    private static KeyValueStore<Bytes, byte[]> store(String name) {
        KeyValueStore<Bytes, byte[]> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.Bytes(),
                Serdes.ByteArray()).withLoggingDisabled().build();
        s.init(new MockProcessorContext<>().getStateStoreContext(), s);
        return s;
    }
}
