package io.cdrpipeline.topology;

import io.cdrpipeline.schema.BillingRecord;
import java.time.Duration;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Drops a CDR whose record id was already seen within the dedupe window (measured on record
 * timestamps, i.e. arrival time), and counts it. The window store forgets ids segment by segment
 * once they are older than the window, so the store stays bounded without a scan. Records are
 * keyed by record id before they get here, so every copy of a CDR meets the same store.
 */
final class DedupeProcessor implements FixedKeyProcessor<String, BillingRecord, BillingRecord> {

    static final String STORE = "dedupe-store";

    private final long windowMs;
    private final IngestMetrics metrics;
    private FixedKeyProcessorContext<String, BillingRecord> context;
    private WindowStore<String, Long> seen;

    DedupeProcessor(Duration window, IngestMetrics metrics) {
        this.windowMs = window.toMillis();
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, BillingRecord> context) {
        this.context = context;
        this.seen = context.getStateStore(STORE);
    }

    @Override
    public void process(FixedKeyRecord<String, BillingRecord> record) {
        long ts = record.timestamp();
        try (WindowStoreIterator<Long> earlier = seen.fetch(record.key(), ts - windowMs, ts + windowMs)) {
            if (earlier.hasNext()) {
                metrics.recordDuplicate();
                return;
            }
        }
        seen.put(record.key(), ts, ts);
        context.forward(record);
    }
}
