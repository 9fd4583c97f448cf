package io.cdrpipeline.topology;

import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.retention.Subjects;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Billing record in, analytics record out, re-keyed by the pseudonymous record id: the PII boundary. */
final class PseudonymizeProcessor implements Processor<String, BillingRecord, String, AnalyticsRecord> {

    private final Supplier<Pseudonymizer> pseudonymizers;
    private final IngestMetrics metrics;
    private ProcessorContext<String, AnalyticsRecord> context;
    private Pseudonymizer pseudonymizer;
    private Subjects subjects;

    PseudonymizeProcessor(Supplier<Pseudonymizer> pseudonymizers, IngestMetrics metrics) {
        this.pseudonymizers = pseudonymizers;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, AnalyticsRecord> context) {
        this.context = context;
        this.pseudonymizer = pseudonymizers.get();
        this.subjects = new Subjects(context.getStateStore(Subjects.HOLDS_STORE), context.getStateStore(Subjects.ERASURES_STORE));
    }

    @Override
    public void process(Record<String, BillingRecord> record) {
        if (subjects.anyErasure() && subjects.erased(pseudonymizer.subjectTokens(record.value()))) {
            // An erased subject stays erased: a late CDR of theirs is billed but never analysed.
            metrics.recordErasedSuppressed();
            return;
        }
        AnalyticsRecord analytics = pseudonymizer.pseudonymize(record.value());
        metrics.recordPseudonymized();
        // Drop the input headers: they name the source file and other raw-side details.
        context.forward(new Record<>(analytics.getPseudoRecordId(), analytics, record.timestamp()));
    }
}
