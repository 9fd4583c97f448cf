package io.cdrpipeline.app;

import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.pseudonymize.SubjectSealing;
import io.cdrpipeline.retention.ControlKeys;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.kafka.clients.consumer.CloseOptions;

/**
 * Resolves erasure requests on the pipeline's side, so that an operator files them holding no key
 * material. {@code erase} files the subject sealed to the pipeline's public key
 * ({@link SubjectSealing}), under {@code cdr-pipeline#request#<id>}; at each maintenance this
 * opens it and files the subject's token under every key epoch that can still find records —
 * and, at later maintenances, under every epoch created since (an erased subject stays erased).
 * Requests sealed under the master key by earlier releases are resolved the same way. It also
 * publishes the public key on the topic, for {@code erase} to read.
 *
 * <p>Every instance runs it, in both key modes; what it writes is determined by the topic and
 * the key ring (the latest request of a subject wins a token), so instances racing write the same
 * records. Nothing is cached across restarts: the topic is read whole at start, then followed.
 */
public final class ErasureResolver implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ErasureResolver.class);
    private static final AvroSerde<ErasureRequest> REQUESTS = new AvroSerde<>(ErasureRequest.class,
            ErasureRequest.getClassSchema());

    private final KeyRing ring;
    private final SubjectSealing sealing;
    private final KeyVault vault;
    private final String topic;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final TopicPartition partition;
    /** The topic as read so far: key → latest value. */
    private final Map<String, byte[]> topicNow = new HashMap<>();
    /** Sealed requests that cannot be opened, logged once each. */
    private final Set<String> unopenable = new HashSet<>();
    /**
     * The tokens of each sealed request's subject by epoch, for the ring generation they were made
     * under: opening and tokenising every request at every maintenance would cost an X25519
     * agreement each. Tokens only — the opened subject is not kept.
     */
    private final Map<String, Map<String, String>> resolved = new HashMap<>();
    private int resolvedGeneration = -1;

    /** {@code vault}: the master key's, to open requests sealed by earlier releases (null in key-file mode). */
    public ErasureResolver(PipelineConfig config, KeyRing ring, SubjectSealing sealing, KeyVault vault) {
        this.ring = ring;
        this.sealing = sealing;
        this.vault = vault;
        this.topic = config.topic(OwnedTopic.ERASURE_REQUESTS);
        this.consumer = new KafkaConsumer<>(KafkaClients.consumer(config), new StringDeserializer(), new ByteArrayDeserializer());
        this.producer = new KafkaProducer<>(KafkaClients.producer(config), new StringSerializer(), new ByteArraySerializer());
        this.partition = new TopicPartition(topic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
    }

    /** Reads what is new, publishes the sealing key if it is not there, files what is missing; returns how many it filed. */
    public int run() throws ExecutionException, InterruptedException {
        TopicReader.readToEnd(consumer, List.of(partition), r -> {
            if (r.key() == null) {
                return;
            }
            resolved.remove(r.key());
            if (r.value() == null) {
                topicNow.remove(r.key());
            } else {
                topicNow.put(r.key(), r.value());
            }
        });
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        byte[] published = sealing.publicKey().getBytes(StandardCharsets.UTF_8);
        if (!Arrays.equals(topicNow.get(ControlKeys.SEALING_KEY), published)) {
            sent.add(producer.send(new ProducerRecord<>(topic, ControlKeys.SEALING_KEY, published)));
            topicNow.put(ControlKeys.SEALING_KEY, published);
        }
        int filed = 0;
        for (Map.Entry<String, ErasureRequest> want : wanted().entrySet()) {
            byte[] value = REQUESTS.encode(want.getValue());
            if (!Arrays.equals(topicNow.get(want.getKey()), value)) {
                sent.add(producer.send(new ProducerRecord<>(topic, want.getKey(), value)));
                topicNow.put(want.getKey(), value);
                filed++;
            }
        }
        for (Future<RecordMetadata> f : sent) {
            f.get();
        }
        if (filed > 0) {
            LOG.info("filed {} erasure request token(s) on {}", filed, topic);
        }
        return filed;
    }

    /** The token-keyed requests the topic should hold: per token, the latest request naming its subject. */
    private Map<String, ErasureRequest> wanted() {
        Pseudonymizer tokens = new Pseudonymizer(ring, new NumberFacts(1));
        if (ring.generation() != resolvedGeneration) {
            resolved.clear();
            resolvedGeneration = ring.generation();
        }
        Map<String, ErasureRequest> out = new HashMap<>();
        topicNow.forEach((key, value) -> {
            ErasureRequest q = decode(key, value);
            if (q == null) {
                return;
            }
            Map<String, String> byEpoch = resolved.computeIfAbsent(key, k -> {
                String input = open(k, q);
                return input == null ? Map.of() : tokens.tokensFor(input);
            });
            byEpoch.forEach((epoch, token) -> {
                ErasureRequest filed = ErasureRequest.newBuilder(q).setKeyEpoch(epoch).build();
                out.merge(token, filed, (a, b) -> later(a, b));
            });
        });
        return out;
    }

    /** The later of two requests of one subject (request id breaks a tie, so every instance chooses alike). */
    private static ErasureRequest later(ErasureRequest a, ErasureRequest b) {
        int c = a.getRequestedAt().compareTo(b.getRequestedAt());
        return c > 0 || c == 0 && a.getRequestId().compareTo(b.getRequestId()) > 0 ? a : b;
    }

    private static ErasureRequest decode(String key, byte[] value) {
        if (key.equals(ControlKeys.SEALING_KEY) || KeepAlive.isKeepAlive(key)) {
            return null;
        }
        try {
            ErasureRequest q = REQUESTS.decode(value);
            return q.getSealedSubject() == null ? null : q;
        } catch (RuntimeException e) {
            return null;   // not a request this release can read; the mirror skips and counts it
        }
    }

    /** The subject input of a sealed request, or null when this pipeline cannot open it (logged once). */
    private String open(String key, ErasureRequest q) {
        String sealed = q.getSealedSubject();
        try {
            if (SubjectSealing.isSealed(sealed)) {
                return ControlKeys.isSealedRequest(key) ? sealing.open(sealed, q.getRequestId()) : null;
            }
            return vault == null ? null : vault.unseal(sealed, KeyVault.ERASURE_CONTEXT);
        } catch (IllegalArgumentException e) {
            if (unopenable.add(q.getRequestId())) {
                LOG.warn("erasure request {} cannot be resolved: {}", q.getRequestId(), e.getMessage());
            }
            return null;
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    /** Closes within {@code timeout}: a dead cluster does not hold the process. */
    public void close(Duration timeout) {
        Duration half = timeout.dividedBy(2);
        consumer.close(CloseOptions.timeout(half));
        producer.close(half);
    }
}
