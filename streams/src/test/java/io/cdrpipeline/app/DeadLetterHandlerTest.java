package io.cdrpipeline.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.config.PipelineConfig;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

class DeadLetterHandlerTest {

    @Test
    void shouldRouteAPoisonRecordToTheRejectedTopicAndKeepProcessing() {
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("ROOT");
        java.io.ByteArrayOutputStream json = new java.io.ByteArrayOutputStream();
        ch.qos.logback.classic.encoder.JsonEncoder encoder = new ch.qos.logback.classic.encoder.JsonEncoder();
        encoder.setContext(root.getLoggerContext());
        encoder.start();
        ch.qos.logback.core.OutputStreamAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender =
                new ch.qos.logback.core.OutputStreamAppender<>();
        appender.setContext(root.getLoggerContext());
        appender.setEncoder(encoder);
        appender.setOutputStream(json);
        appender.start();
        root.addAppender(appender);
        try {
            routePoison();
        } finally {
            root.detachAppender(appender);
        }
        // CDR_LOG_FORMAT=json: one JSON object a line, with the task, topic and partition in the MDC, no number.
        String line = json.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("DeadLetterHandler"))
                .findFirst().orElseThrow();
        assertThat(line).startsWith("{").contains("\"level\":\"ERROR\"", "\"task\":\"0_0\"", "\"topic\":\"in\"",
                "\"partition\":\"0\"").doesNotContain("4930123456");
    }

    private void routePoison() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .mapValues(v -> {
                    if (new String(v, StandardCharsets.UTF_8).startsWith("poison")) {
                        throw new IllegalStateException("bug that quotes +4930123456");
                    }
                    return v;
                }, Named.as("buggy"))
                .to("out", Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
        Properties props = PipelineApp.streamsProperties(PipelineConfig.of(Map.of("bootstrap.servers", "unused:9092")));
        props.put("state.dir", System.getProperty("java.io.tmpdir") + "/dlq-" + System.nanoTime());

        try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic("in", new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<byte[], byte[]> out = driver.createOutputTopic("out", new ByteArrayDeserializer(), new ByteArrayDeserializer());
            TestOutputTopic<byte[], byte[]> rejected = driver.createOutputTopic("cdr.rejected", new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            RecordHeaders h = new RecordHeaders();
            h.add("cdr.source", "pbx1".getBytes(StandardCharsets.UTF_8));
            in.pipeInput(new TestRecord<>("k".getBytes(), "poison pill".getBytes(StandardCharsets.UTF_8), h));
            in.pipeInput("k".getBytes(), "fine".getBytes(StandardCharsets.UTF_8));

            assertThat(new String(out.readValue(), StandardCharsets.UTF_8)).isEqualTo("fine");
            TestRecord<byte[], byte[]> dead = rejected.readRecord();
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("poison pill");
            assertThat(header(dead, "cdr.error.class")).isEqualTo("internal-error");
            assertThat(header(dead, "cdr.error.reason")).isEqualTo("java.lang.IllegalStateException in buggy");
            assertThat(header(dead, "cdr.source")).isEqualTo("pbx1");
            assertThat(header(dead, "cdr.input.offset")).isEqualTo("0");
            assertThat(rejected.isEmpty()).isTrue();
        }
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
