package io.cdrpipeline.topology;

import io.cdrpipeline.retention.ExpiryIndex;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.BillingRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Drops a CDR that is already retained, and counts it. No store of its own: a CDR's expiry-index
 * key (billing window, call end, record id) follows from the CDR, so a resend looks itself up
 * there — one read, no extra write per CDR. A CDR counts as seen for as long as either of its
 * records is kept; after both are deleted, a resend is a new CDR (and is deleted again when its
 * window is past). Records are keyed by record id, and copies of a CDR share a partition, so
 * every copy meets the same store. CDRs sharing a switch id also share a partition, so a reused
 * id is noticed here ({@link SwitchIdReuse}) and flagged on the record.
 */
final class DedupeProcessor implements FixedKeyProcessor<String, BillingRecord, BillingRecord> {

    private final RetentionPolicy policy;
    private final IngestMetrics metrics;
    private FixedKeyProcessorContext<String, BillingRecord> context;
    private ExpiryIndex index;
    private final SwitchIdReuse reuse = new SwitchIdReuse(SwitchIdReuse.DEFAULT_CAPACITY);

    DedupeProcessor(RetentionPolicy policy, IngestMetrics metrics) {
        this.policy = policy;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, BillingRecord> context) {
        this.context = context;
        this.index = new ExpiryIndex(context.getStateStore(ExpiryIndex.STORE));
    }

    @Override
    public void process(FixedKeyRecord<String, BillingRecord> record) {
        BillingRecord b = record.value();
        Bytes key = ExpiryIndex.keyOf(b, record.key(), policy);
        if (index.contains(key)) {
            metrics.recordDuplicate();
            return;
        }
        if (reuse.reused(record.key())) {
            b.setSwitchIdReused(true);
            metrics.recordSwitchIdReused();
        }
        context.forward(record);
        metrics.recordBillingWritten();
    }
}
