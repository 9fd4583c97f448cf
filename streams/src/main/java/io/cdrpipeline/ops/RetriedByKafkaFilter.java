package io.cdrpipeline.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.Set;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;

/**
 * Keeps out of the log the ERROR lines Kafka writes for conditions its clients retry by
 * themselves — an idempotent producer's out-of-order sequence after a retried batch, a leader
 * that moved, a dropped connection: under load the embedded broker of the demo printed dozens,
 * none of which needed anyone. Only Kafka's own loggers, only these exception classes (anywhere in
 * the cause chain); everything else passes. They still count in Kafka's client metrics.
 */
public final class RetriedByKafkaFilter extends Filter<ILoggingEvent> {

    private static final Set<String> RETRIED = Set.of(OutOfOrderSequenceException.class.getName(),
            NotLeaderOrFollowerException.class.getName(), NetworkException.class.getName(),
            DisconnectException.class.getName(), NotEnoughReplicasException.class.getName(),
            NotEnoughReplicasAfterAppendException.class.getName());

    @Override
    public FilterReply decide(ILoggingEvent event) {
        if (!event.getLevel().isGreaterOrEqual(Level.ERROR)) {
            return FilterReply.NEUTRAL;
        }
        String logger = event.getLoggerName();
        if (!logger.startsWith("kafka.") && !logger.startsWith("org.apache.kafka.")) {
            return FilterReply.NEUTRAL;
        }
        for (IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
            if (RETRIED.contains(t.getClassName())) {
                return FilterReply.DENY;
            }
        }
        String message = event.getFormattedMessage();
        return message != null && RETRIED.stream().anyMatch(c -> message.contains(c.substring(c.lastIndexOf('.') + 1)))
                ? FilterReply.DENY : FilterReply.NEUTRAL;
    }
}
