package io.cdrpipeline.retention;

import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.schema.LegalHold;
import io.cdrpipeline.serde.AvroSerde;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a control topic's mirror equal to the topic: a value puts, a tombstone deletes — but only
 * values the sweeps can use. A record that does not decode as its contract (bytes of another
 * writer, a version this release does not know) or whose key is not of the expected shape is
 * skipped, counted ({@code cdr_control_records_skipped_total}) and logged by position without its
 * content, so that no control record can ever stop a sweep. Records under reserved keys (keep-alives,
 * the erasure sealing key, requests the pipeline has yet to resolve) are not mirrored either. Runs
 * on the global thread, at start-up (restoring) as while running.
 */
public final class GlobalStoreUpdater implements Processor<String, byte[], Void, Void> {

    private static final Logger LOG = LoggerFactory.getLogger(GlobalStoreUpdater.class);

    /** What a control topic's mirror keeps. */
    public enum Kind {
        /** Token-keyed erasure requests with their key epoch. */
        ERASURE_REQUESTS,
        /** {@code account|holdId}-keyed legal holds. */
        LEGAL_HOLDS
    }

    private static final AvroSerde<ErasureRequest> REQUESTS = new AvroSerde<>(ErasureRequest.class,
            ErasureRequest.getClassSchema());
    private static final AvroSerde<LegalHold> HOLDS = new AvroSerde<>(LegalHold.class, LegalHold.getClassSchema());

    private final String storeName;
    private final Kind kind;
    private final RetentionMetrics metrics;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> store;

    public GlobalStoreUpdater(String storeName, Kind kind, RetentionMetrics metrics) {
        this.storeName = storeName;
        this.kind = kind;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String key = record.key();
        if (key == null || ControlKeys.isReserved(key)) {
            return;
        }
        if (record.value() == null) {
            store.delete(key);
            return;
        }
        String problem = problem(key, record.value());
        if (problem != null) {
            metrics.recordControlSkipped(storeName);
            RecordMetadata m = context.recordMetadata().orElse(null);
            LOG.warn("skipped a record of {} at {}: {} (not used by any sweep; its content is not logged)", storeName,
                    m == null ? "an unknown position" : m.topic() + "-" + m.partition() + "@" + m.offset(), problem);
            return;
        }
        store.put(key, record.value());
    }

    /** Why a value under {@code key} is of no use to the sweeps; null when it is good. */
    String problem(String key, byte[] value) {
        try {
            if (kind == Kind.ERASURE_REQUESTS) {
                if (!ControlKeys.isToken(key)) {
                    return "its key is not a subject token";
                }
                ErasureRequest r = REQUESTS.decode(value);
                return r.getKeyEpoch() == null || r.getKeyEpoch().isEmpty() ? "a request without a key epoch" : null;
            }
            if (key.indexOf('|') <= 0) {
                return "its key is not account|holdId";
            }
            HOLDS.decode(value);
            return null;
        } catch (RuntimeException e) {
            return "not a " + (kind == Kind.ERASURE_REQUESTS ? "known ErasureRequest" : "known LegalHold") + " value ("
                    + e.getClass().getSimpleName() + ")";
        }
    }
}
