package io.cdrpipeline.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 9, finding 4: after a clean stop, Kafka Streams' RocksDB store kept deletion markers whose
 * keys named subjects. The scanner is the one the end-to-end test uses (every byte of every file of
 * the state directory); it first finds the markers in Kafka's own store, then finds nothing in ours —
 * neither after a purge while running nor after a clean stop without one.
 */
class PurgeableStoreTest {

    private static final String SECRET = "acct-SECRET-4711";

    @TempDir
    Path dir;

    @Test
    void kafkasOwnStoreKeepsTheKeysItDeletedOnDiskAfterACleanStop() throws Exception {
        Path state = dir.resolve("kafka-store");
        KeyValueStore<Bytes, byte[]> store = Stores.persistentKeyValueStore("s").get();
        open(store, state);
        store.put(Bytes.wrap(bytes(SECRET + "-1")), bytes("value"));
        store.put(Bytes.wrap(bytes(SECRET + "-2")), bytes("value"));
        store.delete(Bytes.wrap(bytes(SECRET + "-1")));
        store.delete(Bytes.wrap(bytes(SECRET + "-2")));
        store.close();
        assertThat(filesContaining(state, SECRET)).as("the scanner's positive control").isNotEmpty();
    }

    @Test
    void aCleanStopLeavesNoDeletedKeyOnDisk() throws Exception {
        Path state = dir.resolve("purgeable-close");
        KeyValueStore<Bytes, byte[]> store = new PurgeableStoreRegistry().supplier("s").get();
        open(store, state);
        store.put(Bytes.wrap(bytes(SECRET + "-1")), bytes("value"));
        store.put(Bytes.wrap(bytes("live-key")), bytes("live-value"));
        store.delete(Bytes.wrap(bytes(SECRET + "-1")));
        store.close();
        assertThat(filesContaining(state, SECRET)).isEmpty();
        // What was not deleted is still there: the store kept its data, only the deletion went.
        assertThat(filesContaining(state, "live-value")).isNotEmpty();
    }

    @Test
    void aPurgeWhileRunningTakesDeletedKeysAndTheirValuesOffTheDisk() throws Exception {
        Path state = dir.resolve("purgeable-running");
        PurgeableStoreRegistry stores = new PurgeableStoreRegistry();
        KeyValueStore<Bytes, byte[]> store = stores.supplier("s").get();
        open(store, state);
        for (int i = 0; i < 50; i++) {
            store.put(Bytes.wrap(bytes(SECRET + "-" + i)), bytes("value-of-" + SECRET + "-" + i));
        }
        store.put(Bytes.wrap(bytes("live-key")), bytes("live-value"));
        store.flush();
        assertThat(filesContaining(state, SECRET)).as("flushed puts are on disk").isNotEmpty();
        for (int i = 0; i < 50; i++) {
            store.delete(Bytes.wrap(bytes(SECRET + "-" + i)));
        }
        store.flush();
        assertThat(filesContaining(state, SECRET)).as("flushed deletions: markers and old values on disk").isNotEmpty();
        assertThat(stores.purge(TASK)).isEqualTo(1);
        assertThat(filesContaining(state, SECRET)).as("after the purge, MANIFEST included").isEmpty();
        assertThat(store.get(Bytes.wrap(bytes("live-key")))).isEqualTo(bytes("live-value"));
        assertThat(stores.purge(TASK)).as("nothing deleted since").isZero();
        store.close();
        assertThat(filesContaining(state, SECRET)).isEmpty();
    }

    private static final TaskId TASK = new TaskId(0, 0);
    private static final org.apache.kafka.common.TopicPartition CHANGELOG =
            new org.apache.kafka.common.TopicPartition("app-s-changelog", 0);

    @Test
    void aTransactionalStoreKeepsUncommittedWritesOffTheDiskCommitsThemWithTheirOffsetAndDropsTheRestOnClose()
            throws Exception {
        Path state = dir.resolve("transactional");
        PurgeableStoreRegistry stores = new PurgeableStoreRegistry(true);
        KeyValueStore<Bytes, byte[]> store = stores.supplier("s").get();
        open(store, state);
        assertThat(store.managesOffsets()).isTrue();
        assertThat(store.committedOffset(CHANGELOG)).as("a new store has committed nothing").isNull();
        store.put(Bytes.wrap(bytes(SECRET + "-1")), bytes("v1"));
        store.put(Bytes.wrap(bytes("live-key")), bytes("live-value"));
        assertThat(store.get(Bytes.wrap(bytes(SECRET + "-1")))).as("reads its own writes").isEqualTo(bytes("v1"));
        assertThat(store.approximateNumUncommittedBytes()).isPositive();
        store.flush();
        assertThat(filesContaining(state, SECRET)).as("staged writes never reach RocksDB before the commit").isEmpty();
        store.commit(java.util.Map.of(CHANGELOG, 41L));
        assertThat(store.approximateNumUncommittedBytes()).isZero();
        assertThat(store.committedOffset(CHANGELOG)).isEqualTo(41L);
        store.flush();
        assertThat(filesContaining(state, SECRET)).as("committed writes are in the files").isNotEmpty();
        // Deleted in the transaction: hidden from reads at once, gone from the files after commit and purge.
        store.delete(Bytes.wrap(bytes(SECRET + "-1")));
        assertThat(store.get(Bytes.wrap(bytes(SECRET + "-1")))).isNull();
        assertThat(stores.purge(TASK)).as("nothing committed to purge yet; the purge waits for the commit").isZero();
        store.commit(java.util.Map.of(CHANGELOG, 42L));
        assertThat(filesContaining(state, SECRET)).as("purged right after the deletion was committed").isEmpty();
        // Not committed when the store closes (a dirty close, a crash): dropped.
        store.put(Bytes.wrap(bytes("uncommitted")), bytes("lost"));
        store.close();
        KeyValueStore<Bytes, byte[]> again = stores.supplier("s").get();
        open(again, state);
        assertThat(again.committedOffset(CHANGELOG)).isEqualTo(42L);
        assertThat(again.get(Bytes.wrap(bytes("live-key")))).isEqualTo(bytes("live-value"));
        assertThat(again.get(Bytes.wrap(bytes("uncommitted")))).isNull();
        again.close();
    }

    @Test
    void aTransactionalStoreOverlaysStagedWritesOnCommittedOnesInEveryIterationOrder() throws Exception {
        PurgeableStoreRegistry stores = new PurgeableStoreRegistry(true);
        KeyValueStore<Bytes, byte[]> store = stores.supplier("s").get();
        open(store, dir.resolve("overlay"));
        for (String k : List.of("a", "b", "c", "d", "pa", "pb")) {
            store.put(key(k), bytes(k.toUpperCase()));
        }
        store.commit(java.util.Map.of(CHANGELOG, 1L));
        store.delete(key("b"));                     // hides a committed key
        store.put(key("c"), bytes("C2"));            // replaces one
        store.put(key("bb"), bytes("BB"));           // adds one between
        store.put(key("e"), bytes("E"));             // and one after
        store.delete(key("zz"));                     // deletes what never was
        store.put(key("pc"), bytes("PC"));
        assertThat(join(store.all())).isEqualTo("a=A bb=BB c=C2 d=D e=E pa=PA pb=PB pc=PC");
        assertThat(join(store.reverseAll())).isEqualTo("pc=PC pb=PB pa=PA e=E d=D c=C2 bb=BB a=A");
        assertThat(join(store.range(key("b"), key("d")))).isEqualTo("bb=BB c=C2 d=D");
        assertThat(join(store.reverseRange(key("b"), key("d")))).isEqualTo("d=D c=C2 bb=BB");
        assertThat(join(store.range(key("d"), key("b")))).isEmpty();
        assertThat(join(store.prefixScan("p", new org.apache.kafka.common.serialization.StringSerializer())))
                .isEqualTo("pa=PA pb=PB pc=PC");
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext()) {                   // deleting while iterating, as the sweeps do
                store.delete(it.next().key);
            }
        }
        assertThat(join(store.all())).isEmpty();
        store.commit(java.util.Map.of(CHANGELOG, 2L));
        assertThat(join(store.all())).isEmpty();
        store.close();
    }

    private static Bytes key(String k) {
        return Bytes.wrap(bytes(k));
    }

    private static String join(KeyValueIterator<Bytes, byte[]> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(kv -> out.add(new String(kv.key.get(), StandardCharsets.UTF_8) + "="
                    + new String(kv.value, StandardCharsets.UTF_8)));
        }
        return String.join(" ", out);
    }

    private static void open(KeyValueStore<Bytes, byte[]> store, Path state) throws Exception {
        Files.createDirectories(state);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "purge-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        MockProcessorContext<Void, Void> context = new MockProcessorContext<>(props, TASK, state.toFile());
        store.init(context.getStateStoreContext(), store);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsWhatItWroteInByteOrderWithInclusiveBounds() throws Exception {
        Path state = dir.resolve("purgeable-reads");
        PurgeableStoreRegistry stores = new PurgeableStoreRegistry();
        List<String> ranges = new ArrayList<>();
        run(stores.supplier("s"), stores, state, in -> {
            for (String k : List.of("b", "a", "d", "c", "e")) {
                in.pipeInput(k, k.toUpperCase());
            }
            in.pipeInput("d", (String) null);
            in.pipeInput("!range", "b..e");
            in.pipeInput("!reverse", "b..e");
            in.pipeInput("!all", "");
            in.pipeInput("!range", "e..b");
        }, ranges);
        assertThat(ranges).containsExactly("b=B c=C e=E", "e=E c=C b=B", "a=A b=B c=C e=E", "");
    }

    private interface Input {
        void feed(TestInputTopic<String, String> in) throws Exception;
    }

    private static void run(KeyValueBytesStoreSupplier supplier, PurgeableStoreRegistry stores, Path state, Input input)
            throws Exception {
        run(supplier, stores, state, input, new ArrayList<>());
    }

    private static void run(KeyValueBytesStoreSupplier supplier, PurgeableStoreRegistry stores, Path state, Input input,
            List<String> ranges) throws Exception {
        Topology t = new Topology();
        t.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        t.addProcessor("p", () -> new Writer(stores, ranges), "in");
        t.addStateStore(Stores.keyValueStoreBuilder(supplier, Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled(), "p");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "purge-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        try (TopologyTestDriver driver = new TopologyTestDriver(t, props)) {
            input.feed(driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer()));
        }
    }

    /** Puts, deletes (null value), and commands: {@code !flush}, {@code !purge}, {@code !range a..b}, {@code !reverse}, {@code !all}. */
    private static final class Writer implements Processor<String, String, Void, Void> {

        private final PurgeableStoreRegistry stores;
        private final List<String> ranges;
        private ProcessorContext<Void, Void> context;
        private KeyValueStore<Bytes, byte[]> store;

        Writer(PurgeableStoreRegistry stores, List<String> ranges) {
            this.stores = stores;
            this.ranges = ranges;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            this.context = context;
            this.store = context.getStateStore("s");
        }

        @Override
        public void process(Record<String, String> r) {
            String k = r.key();
            switch (k) {
                // The test driver commits, and so flushes the stores, after every record; this one only asks for it.
                case "!flush" -> context.commit();
                case "!purge" -> stores.purge(context.taskId());
                case "!range", "!reverse" -> {
                    String[] b = r.value().split("\\.\\.");
                    try (KeyValueIterator<Bytes, byte[]> it = k.equals("!range")
                            ? store.range(key(b[0]), key(b[1])) : store.reverseRange(key(b[0]), key(b[1]))) {
                        ranges.add(join(it));
                    }
                }
                case "!all" -> {
                    try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
                        ranges.add(join(it));
                    }
                }
                default -> {
                    if (r.value() == null) {
                        store.delete(key(k));
                    } else {
                        store.put(key(k), r.value().getBytes(StandardCharsets.UTF_8));
                    }
                }
            }
        }

        private static String join(KeyValueIterator<Bytes, byte[]> it) {
            List<String> out = new ArrayList<>();
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> kv = it.next();
                out.add(new String(kv.key.get(), StandardCharsets.UTF_8) + "=" + new String(kv.value, StandardCharsets.UTF_8));
            }
            return String.join(" ", out);
        }

        private static Bytes key(String s) {
            return Bytes.wrap(s.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Every file under {@code dir} whose bytes contain {@code secret}. */
    static List<String> filesContaining(Path dir, String secret) throws java.io.IOException {
        List<String> found = new ArrayList<>();
        if (!Files.exists(dir)) {
            return found;
        }
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                if (text.contains(secret)) {
                    found.add(dir.relativize(f).toString());
                }
            }
        }
        return found;
    }
}
