package io.cdrpipeline.serde;

import io.cdrpipeline.schema.ReleasedSchemas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import java.security.NoSuchAlgorithmException;

/**
 * Avro single-object encoding (marker C3 01, 8-byte schema fingerprint, binary body) for a
 * generated record class. Writers use the current schema; readers resolve the writer's schema by
 * fingerprint from {@link ReleasedSchemas}, so records of every released version decode without
 * a registry. A null value is a tombstone and stays null both ways.
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SpecificDatumWriter<T> writer;
    private final byte[] header;
    private final BinaryMessageDecoder<T> decoder;
    /** Per thread: an output buffer and a buffered encoder over it, both reused. */
    private final ThreadLocal<Output> outputs = ThreadLocal.withInitial(Output::new);

    public AvroSerde(Class<T> type, Schema schema) {
        SpecificData model = SpecificData.getForClass(type);
        this.writer = new SpecificDatumWriter<>(schema, model);
        // The single-object header (marker and fingerprint) exactly as Avro's message encoder writes it.
        try {
            byte[] fingerprint = SchemaNormalization.parsingFingerprint("CRC-64-AVRO", schema);
            this.header = ByteBuffer.allocate(2 + fingerprint.length).put((byte) 0xC3).put((byte) 0x01).put(fingerprint).array();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        this.decoder = new BinaryMessageDecoder<>(model, schema, ReleasedSchemas.store());
    }

    /**
     * Avro's {@code BinaryMessageEncoder} writes through an unbuffered encoder into a synchronised
     * stream, a synchronised call per field: a third of a CDR's processing time. Writing the same
     * bytes with a buffered encoder (one block write) into a reused buffer costs a fraction of it.
     */
    public byte[] encode(T value) {
        if (value == null) {
            return null;
        }
        Output out = outputs.get();
        try {
            out.bytes.reset();
            out.bytes.write(header);
            out.encoder = EncoderFactory.get().binaryEncoder(out.bytes, out.encoder);
            writer.write(value, out.encoder);
            out.encoder.flush();   // one block write: the encoder buffers
            return out.bytes.toByteArray();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode " + value.getSchema().getName(), e);
        }
    }

    private static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        BinaryEncoder encoder;
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
