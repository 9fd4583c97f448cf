package io.cdrpipeline.topology;

import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.retention.Arrival;
import io.cdrpipeline.retention.ControlMirrors;
import io.cdrpipeline.schema.BillingRecord;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/**
 * Decides a unique CDR once ({@link Arrival#decide}): its key epoch, analytics record, analytics
 * key and subject tokens from one snapshot of the key ring; whether its subject is erased and its
 * account held from the control mirrors as they are now. Billing, analytics and retention all read
 * this one decision downstream. Counts what reached analytics and what an erasure kept from it.
 */
final class DecideProcessor implements FixedKeyProcessor<String, BillingRecord, Arrival> {

    private final Supplier<Pseudonymizer> pseudonymizers;
    private final IngestMetrics metrics;
    private FixedKeyProcessorContext<String, Arrival> context;
    private Pseudonymizer pseudonymizer;
    private ControlMirrors subjects;

    DecideProcessor(Supplier<Pseudonymizer> pseudonymizers, IngestMetrics metrics) {
        this.pseudonymizers = pseudonymizers;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, Arrival> context) {
        this.context = context;
        this.pseudonymizer = pseudonymizers.get();
        this.subjects = new ControlMirrors(context.getStateStore(ControlMirrors.HOLDS_STORE), context.getStateStore(ControlMirrors.ERASURES_STORE));
    }

    @Override
    public void process(FixedKeyRecord<String, BillingRecord> record) {
        Arrival a = Arrival.decide(record.value(), pseudonymizer, subjects);
        if (a.analytics() != null) {
            metrics.recordPseudonymized();
        } else if (a.suppressedByErasure()) {
            // An erased subject stays erased: a new CDR of theirs is billed but never analysed.
            metrics.recordErasedSuppressed();
        }
        context.forward(record.withValue(a));
    }
}
