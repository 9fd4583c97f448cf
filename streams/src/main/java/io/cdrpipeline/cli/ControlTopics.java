package io.cdrpipeline.cli;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.config.PipelineConfig;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.cdrpipeline.app.KafkaClients;

/** Writes operator requests (erasures, holds, releases) and waits until Kafka has them. */
final class ControlTopics implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    ControlTopics(PipelineConfig config) {
        Map<String, Object> props = KafkaClients.producer(config);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(config.get(Settings.STARTUP_TIMEOUT).toMillis()));
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    void send(String topic, String key, byte[] value) throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
