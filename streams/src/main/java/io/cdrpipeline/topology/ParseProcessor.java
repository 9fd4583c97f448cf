package io.cdrpipeline.topology;

import io.cdrpipeline.ingest.CdrParser;
import io.cdrpipeline.ingest.ParseOutcome;
import io.cdrpipeline.ingest.RejectReason;
import io.cdrpipeline.produce.RawProducer;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

/** Reads each raw record through its format adapter and the normaliser; every record comes out, parsed or rejected. */
final class ParseProcessor implements FixedKeyProcessor<byte[], byte[], ParsedRaw> {

    private final Supplier<CdrParser> parsers;
    private final IngestMetrics metrics;
    private FixedKeyProcessorContext<byte[], ParsedRaw> context;
    private CdrParser parser;

    ParseProcessor(Supplier<CdrParser> parsers, IngestMetrics metrics) {
        this.parsers = parsers;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], ParsedRaw> context) {
        this.context = context;
        this.parser = parsers.get();
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        metrics.recordRead();
        String format = header(record.headers(), Topics.FORMAT_HEADER);
        String source = header(record.headers(), Topics.SOURCE_HEADER);
        String truncated = header(record.headers(), RawProducer.TRUNCATED_HEADER);
        ParseOutcome outcome = truncated != null
                ? ParseOutcome.rejected(RejectReason.OVERSIZED, "record of " + truncated
                        + " bytes was cut by the producer", source == null ? "unknown" : source, format)
                : parser.parse(record.value(), format, source);
        if (outcome.isRejected()) {
            metrics.recordRejected(outcome.reason());
        } else {
            metrics.recordAccepted();
        }
        context.forward(record.withValue(new ParsedRaw(outcome, record.value())));
    }

    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
