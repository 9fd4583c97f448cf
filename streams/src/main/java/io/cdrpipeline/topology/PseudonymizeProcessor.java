package io.cdrpipeline.topology;

import io.cdrpipeline.pseudonymize.Pseudonymizer;
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

    PseudonymizeProcessor(Supplier<Pseudonymizer> pseudonymizers, IngestMetrics metrics) {
        this.pseudonymizers = pseudonymizers;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, AnalyticsRecord> context) {
        this.context = context;
        this.pseudonymizer = pseudonymizers.get();
    }

    @Override
    public void process(Record<String, BillingRecord> record) {
        AnalyticsRecord analytics = pseudonymizer.pseudonymize(record.value());
        metrics.recordPseudonymized();
        // Drop the input headers: they name the source file and other raw-side details.
        context.forward(new Record<>(analytics.getPseudoRecordId(), analytics, record.timestamp()));
    }
}
