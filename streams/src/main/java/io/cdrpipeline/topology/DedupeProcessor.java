package io.cdrpipeline.topology;

import io.cdrpipeline.pseudonymize.AuditKey;
import io.cdrpipeline.retention.DeletionLedger;
import io.cdrpipeline.retention.ExpiryIndex;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.state.PurgeableStoreRegistry;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Drops a CDR the pipeline has already seen, and counts it: one that is retained — its
 * expiry-index key (billing window, call end, record id) follows from the CDR, so a resend looks
 * itself up there — or one that was deleted and could still be billed again ({@link DeletionLedger}:
 * erased, closed early, deleted as it arrived). A genuinely new CDR of an erased subject is not a
 * copy: it passes, and is billed but never analysed. Records are keyed by record id, and copies
 * of a CDR share a partition, so every copy meets the same stores. CDRs sharing a switch id also
 * share a partition, so a reused id is noticed here ({@link SwitchIdReuse}) and flagged.
 */
final class DedupeProcessor implements FixedKeyProcessor<String, BillingRecord, BillingRecord> {

    private final RetentionPolicy policy;
    private final IngestMetrics metrics;
    private final AuditKey auditKey;
    private final String billingTopic;
    private FixedKeyProcessorContext<String, BillingRecord> context;
    private ExpiryIndex index;
    private DeletionLedger ledger;
    private final SwitchIdReuse reuse = new SwitchIdReuse(SwitchIdReuse.DEFAULT_CAPACITY);

    private final PurgeableStoreRegistry local;

    DedupeProcessor(RetentionPolicy policy, IngestMetrics metrics, AuditKey auditKey, String billingTopic,
            PurgeableStoreRegistry local) {
        this.local = local;
        this.policy = policy;
        this.metrics = metrics;
        this.auditKey = auditKey.copy();
        this.billingTopic = billingTopic;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, BillingRecord> context) {
        this.context = context;
        this.index = new ExpiryIndex(context.getStateStore(ExpiryIndex.STORE));
        this.ledger = new DeletionLedger(context.getStateStore(DeletionLedger.STORE),
                local.store(context.taskId(), DeletionLedger.STORE));
    }

    @Override
    public void process(FixedKeyRecord<String, BillingRecord> record) {
        BillingRecord b = record.value();
        Bytes key = ExpiryIndex.keyOf(b, record.key(), policy);
        if (index.contains(key)) {
            metrics.recordDuplicate();
            return;
        }
        // The ledger is empty unless something was deleted before both its windows closed: then no look-up.
        if (ledger.mayHoldEntries() && ledger.contains(auditKey.hashBytes(billingTopic, record.key()))) {
            metrics.recordDuplicate();
            metrics.recordResentAfterDeletion();
            return;
        }
        if (reuse.reused(record.key())) {
            b.setSwitchIdReused(true);
            metrics.recordSwitchIdReused();
        }
        context.forward(record);
        metrics.recordBillingWritten();
        if (b.getBillableCorrected()) {
            metrics.recordUnansweredBillable();
        }
    }
}
