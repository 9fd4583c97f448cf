package io.cdrpipeline.app;

import io.cdrpipeline.ingest.CdrHeaders;
import io.cdrpipeline.ingest.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Kafka Streams' processing-exception hook for what the adapters did not foresee (a bug, not bad
 * input: bad input is already a value). The source record's original bytes go to the dead-letter
 * topic — {@code cdr.rejected}, via {@code errors.dead.letter.queue.topic.name} — with the same
 * {@code cdr.error.*} and {@code cdr.input.*} headers as ordinary rejections, and processing
 * resumes: a poison record never stops the application. The log names the exception class and
 * processor only: exception messages may quote CDR fields, and logs never carry a number.
 */
public final class DeadLetterHandler implements ProcessingExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private String deadLetterTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        this.deadLetterTopic = topic == null ? null : topic.toString();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        try (MDC.MDCCloseable task = MDC.putCloseable("task", String.valueOf(context.taskId()));
                MDC.MDCCloseable topic = MDC.putCloseable("topic", context.topic());
                MDC.MDCCloseable partition = MDC.putCloseable("partition", Integer.toString(context.partition()))) {
            LOG.error("unexpected {} in processor {} (task {}, {}-{}@{}); record sent to {}",
                    exception.getClass().getName(), context.processorNodeId(), context.taskId(),
                    context.topic(), context.partition(), context.offset(), deadLetterTopic);
        }
        if (deadLetterTopic == null) {
            return Response.resume();
        }
        Headers headers = new RecordHeaders(context.headers().toArray());
        put(headers, CdrHeaders.ERROR_CLASS, RejectReason.INTERNAL_ERROR.header());
        put(headers, CdrHeaders.ERROR_REASON, exception.getClass().getName() + " in " + context.processorNodeId());
        put(headers, CdrHeaders.INPUT_TOPIC, context.topic());
        put(headers, CdrHeaders.INPUT_PARTITION, Integer.toString(context.partition()));
        put(headers, CdrHeaders.INPUT_OFFSET, Long.toString(context.offset()));
        return Response.resume(List.of(new ProducerRecord<>(deadLetterTopic, null, context.sourceRawKey(),
                context.sourceRawValue(), headers)));
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }
}
