package io.cdrpipeline.cli;

import io.cdrpipeline.config.PipelineConfig;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.cdrpipeline.config.KafkaClients;

/** Writes operator requests (erasures, holds, releases) and waits until Kafka has them. */
final class ControlTopics implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;

    ControlTopics(PipelineConfig config) {
        this.producer = new KafkaProducer<>(KafkaClients.producer(config), new StringSerializer(), new ByteArraySerializer());
    }

    void send(String topic, String key, byte[] value) throws ExecutionException, InterruptedException {
        producer.send(new ProducerRecord<>(topic, key, value)).get();
    }

    @Override
    public void close() {
        producer.close();
    }
}
