package io.cdrpipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.spi.FilterReply;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class RetriedByKafkaFilterTest {

    private final LoggerContext context = new LoggerContext();
    private final RetriedByKafkaFilter filter = new RetriedByKafkaFilter();

    private LoggingEvent event(String logger, Level level, String message, Throwable t) {
        Logger l = context.getLogger(logger);
        return new LoggingEvent(Logger.class.getName(), l, level, message, t, null);
    }

    @Test
    void kafkasErrorsForConditionsItRetriesAreDropped() {
        // As the broker logs a retried batch of an idempotent producer.
        assertThat(filter.decide(event("kafka.server.ReplicaManager", Level.ERROR, "Error processing append operation",
                new OutOfOrderSequenceException("Out of order sequence number")))).isEqualTo(FilterReply.DENY);
        assertThat(filter.decide(event("org.apache.kafka.clients.producer.internals.Sender", Level.ERROR,
                "wrapped", new RuntimeException(new OutOfOrderSequenceException("x"))))).isEqualTo(FilterReply.DENY);
    }

    @Test
    void everythingElsePasses() {
        assertThat(filter.decide(event("kafka.server.ReplicaManager", Level.ERROR, "refused",
                new TopicAuthorizationException("no")))).isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("io.cdrpipeline.app.PipelineApp", Level.ERROR, "stopping",
                new OutOfOrderSequenceException("ours")))).as("our own errors always pass").isEqualTo(FilterReply.NEUTRAL);
        assertThat(filter.decide(event("kafka.server.ReplicaManager", Level.WARN, "retrying",
                new OutOfOrderSequenceException("x")))).isEqualTo(FilterReply.NEUTRAL);
    }
}
