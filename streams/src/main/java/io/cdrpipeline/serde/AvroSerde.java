package io.cdrpipeline.serde;

import io.cdrpipeline.schema.ReleasedSchemas;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding (marker C3 01, 8-byte schema fingerprint, binary body) for a
 * generated record class. Writers use the current schema; readers resolve the writer's schema by
 * fingerprint from {@link ReleasedSchemas}, so records of every released version decode without
 * a registry. A null value is a tombstone and stays null both ways.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final BinaryMessageEncoder<T> encoder;
    private final BinaryMessageDecoder<T> decoder;

    public AvroSerde(Class<T> type, Schema schema) {
        SpecificData model = SpecificData.getForClass(type);
        this.encoder = new BinaryMessageEncoder<>(model, schema, false);
        this.decoder = new BinaryMessageDecoder<>(model, schema, ReleasedSchemas.store());
    }

    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        try {
            ByteBuffer buffer = encoder.encode(value);
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new SerializationException("cannot encode " + value.getSchema().getName(), e);
        }
    }

    public T decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return decoder.decode(bytes);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("not a known single-object-encoded record", e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, data) -> encode(data);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, data) -> decode(data);
    }
}
