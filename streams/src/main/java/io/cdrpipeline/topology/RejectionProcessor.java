package io.cdrpipeline.topology;

import io.cdrpipeline.ingest.CdrHeaders;
import io.cdrpipeline.normalize.ParseOutcome;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns a rejection back into the original bytes, with the original headers plus the
 * {@code cdr.error.*} and {@code cdr.input.*} headers that say what was wrong and where it came
 * from. The bytes are PII: {@code cdr.rejected} is retained briefly and swept like billing.
 */
final class RejectionProcessor implements FixedKeyProcessor<byte[], ParsedRaw, byte[]> {


    private FixedKeyProcessorContext<byte[], byte[]> context;

    @Override
    public void init(FixedKeyProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<byte[], ParsedRaw> record) {
        ParseOutcome outcome = record.value().outcome();
        Headers headers = new RecordHeaders(record.headers().toArray());
        put(headers, CdrHeaders.ERROR_CLASS, outcome.reason().header());
        put(headers, CdrHeaders.ERROR_REASON, outcome.detail());
        put(headers, CdrHeaders.SOURCE, outcome.source());
        if (outcome.format() != null) {
            put(headers, CdrHeaders.FORMAT, outcome.format());
        }
        context.recordMetadata().ifPresent(m -> input(headers, m));
        context.forward(record.withValue(record.value().raw()).withHeaders(headers));
    }

    static void input(Headers headers, RecordMetadata m) {
        put(headers, CdrHeaders.INPUT_TOPIC, m.topic());
        put(headers, CdrHeaders.INPUT_PARTITION, Integer.toString(m.partition()));
        put(headers, CdrHeaders.INPUT_OFFSET, Long.toString(m.offset()));
    }

    static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
