package io.cdrpipeline.produce;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.ingest.SourceSettings;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import java.util.function.Function;
import io.cdrpipeline.ingest.CdrHeaders;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

/**
 * Writes raw CDRs to {@code cdr.raw} with the headers the pipeline reads ({@code cdr.format},
 * {@code cdr.source}) and where each came from ({@code cdr.file}, {@code cdr.line}). Made from the
 * pipeline's configuration, it keys each record by the CDR's identity key (the switch id, read by
 * the format adapter: {@link CdrParser#partitionKey}), so the pipeline finds every copy of a CDR
 * already on the right partition and skips the repartition hop; a record it cannot read, or a
 * producer made without configuration, is keyed by a hash of source and content (the pipeline
 * then repartitions it — correct, only slower). Idempotent, acks=all. A record larger than the
 * producer may send is not dropped: its head goes with a {@code cdr.truncated} header so that the
 * pipeline rejects it as oversized.
 */
public final class RawProducer implements AutoCloseable {

    /** The largest record sent whole; anything longer is cut to this and marked truncated. */
    public static final int MAX_SEND_BYTES = 512 * 1024;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    /** One parser per sending thread (HTTP ingest sends from several); null: content keys only. */
    private final ThreadLocal<CdrParser> keys;

    /**
     * A producer keying records by identity under the pipeline's source settings, whose sends give
     * up within {@code startup.timeout} when the cluster goes away.
     */
    public RawProducer(PipelineConfig config) {
        this(config, config.get(Settings.STARTUP_TIMEOUT));
    }

    /** As above, giving up within {@code bound} (ingest: its Kafka timeout, so that a post is always answered). */
    public RawProducer(PipelineConfig config, Duration bound) {
        this(KafkaClients.producer(config, bound), config.topic(OwnedTopic.RAW), config.sources());
    }

    /** A producer keying records by a hash of source and content (the pipeline repartitions them). */
    public RawProducer(String bootstrapServers, String topic, Map<String, String> clientSettings) {
        this(clients(bootstrapServers, clientSettings), topic, null);
    }

    private static Map<String, Object> clients(String bootstrapServers, Map<String, String> settings) {
        Map<String, Object> props = new HashMap<>(settings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return props;
    }

    private RawProducer(Map<String, Object> clientProps, String topic, Function<String, SourceSettings> sources) {
        this.keys = sources == null ? null : ThreadLocal.withInitial(
                () -> new CdrParser(sources, new Normalizer(new NumberNormalizer(0)), Integer.MAX_VALUE));
        Map<String, Object> props = new HashMap<>(clientProps);
        // Throughput for files of many small lines; the user's kafka.* settings win.
        props.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
        // Room for the largest record sent whole.
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_SEND_BYTES + 64 * 1024);
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    public void send(byte[] value, CdrFormat format, String source, String file, long position) {
        sendAndConfirm(value, format, source, file, position);
    }

    /**
     * Sends one record without blocking on its acknowledgement; the future completes when Kafka has
     * it (acks=all) or fails — including when the send itself is refused (no metadata within max.block.ms).
     */
    public CompletableFuture<RecordMetadata> sendAsync(byte[] value,
            CdrFormat format, String source, String file) {
        CompletableFuture<RecordMetadata> done =
                new CompletableFuture<>();
        try {
            send(value, format, source, file, 0, (metadata, e) -> {
                if (e != null) {
                    done.completeExceptionally(e);
                } else {
                    done.complete(metadata);
                }
            });
        } catch (RuntimeException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Sends one record; the future completes when Kafka has acknowledged it (acks=all). */
    public Future<RecordMetadata> sendAndConfirm(byte[] value,
            CdrFormat format, String source, String file, long position) {
        return send(value, format, source, file, position, null);
    }

    private Future<RecordMetadata> send(byte[] value,
            CdrFormat format, String source, String file, long position,
            Callback then) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(CdrHeaders.FORMAT, format.id().getBytes(StandardCharsets.UTF_8));
        headers.add(CdrHeaders.SOURCE, source.getBytes(StandardCharsets.UTF_8));
        if (file != null) {
            headers.add(CdrHeaders.FILE, file.getBytes(StandardCharsets.UTF_8));
            headers.add(CdrHeaders.LINE, Long.toString(position).getBytes(StandardCharsets.UTF_8));
        }
        byte[] payload = value;
        if (value.length > MAX_SEND_BYTES) {
            headers.add(CdrHeaders.TRUNCATED, Integer.toString(value.length).getBytes(StandardCharsets.UTF_8));
            payload = Arrays.copyOf(value, MAX_SEND_BYTES);
        }
        int size = payload.length;
        byte[] key = keys == null || value.length > MAX_SEND_BYTES ? null : keys.get().partitionKey(payload, format.id(), source);
        if (key == null) {
            key = contentKey(source, payload);
        }
        return producer.send(new ProducerRecord<>(topic, null, key, payload, headers),
                (metadata, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        sent.incrementAndGet();
                        bytes.addAndGet(size);
                    }
                    if (then != null) {
                        then.onCompletion(metadata, e);
                    }
                });
    }

    /**
     * The fallback key of a raw record: a hash of its source and its content without surrounding
     * whitespace, so identical copies of an unreadable line share a partition.
     */
    public static byte[] contentKey(String source, byte[] payload) {
        int from = 0;
        int to = payload.length;
        while (from < to && (payload[from] & 0xFF) <= ' ') {
            from++;
        }
        while (to > from && (payload[to - 1] & 0xFF) <= ' ') {
            to--;
        }
        byte[] s = source.getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[s.length + 1 + to - from];
        System.arraycopy(s, 0, content, 0, s.length);
        System.arraycopy(payload, from, content, s.length + 1, to - from);
        return ByteBuffer.allocate(4).putInt(Utils.murmur2(content)).array();
    }

    public long sent() {
        return sent.get();
    }

    public long bytes() {
        return bytes.get();
    }

    /** Flushes, and fails if any record could not be written. */
    public void flush() {
        producer.flush();
        Exception e = failure.get();
        if (e != null) {
            throw new IllegalStateException("could not write to " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        producer.close();
    }

    /** Closes, giving unsent records at most {@code timeout} (a broker that is gone does not hold the exit). */
    public void close(Duration timeout) {
        producer.close(timeout);
    }
}
