package io.cdrpipeline.connect;

import io.cdrpipeline.schema.ReleasedSchemas;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.StringConverter;

/**
 * A Kafka Connect converter for the pipeline's topic contracts: values of {@code cdr.billing},
 * {@code cdr.analytics} and {@code cdr.audit} are Avro single-object encoded ({@code C3 01}, the
 * writer schema's 64-bit fingerprint, the binary record). Each value is read by its fingerprint
 * with any released version of its contract ({@link ReleasedSchemas}) and resolved to the newest,
 * so a sink sees one stable Connect schema per topic whatever the writer's version; a tombstone
 * (null) stays null, which tells a JDBC sink with {@code delete.enabled=true} to delete the row.
 * As a key converter ({@code key.converter}) it reads keys as UTF-8 strings. Writing back encodes
 * with the newest version.
 */
public final class CdrAvroConverter implements Converter {

    private final ConnectSchemas mapping = new ConnectSchemas();
    private final Map<String, BinaryMessageDecoder<GenericRecord>> decoders = new HashMap<>();
    private final Map<String, BinaryMessageEncoder<GenericRecord>> encoders = new HashMap<>();
    private final StringConverter keys = new StringConverter();
    private boolean isKey;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (isKey) {
            Map<String, Object> c = new HashMap<>(configs);
            c.put(ConverterConfig.TYPE_CONFIG, "key");
            keys.configure(c);
        }
    }

    @Override
    public ConfigDef config() {
        return new ConfigDef();
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (isKey) {
            return keys.toConnectData(topic, value);
        }
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        String contract;
        try {
            contract = ReleasedSchemas.contractOf(value).orElseThrow(() -> new DataException("value in " + topic
                    + " was written with a schema no released contract has (fingerprint " + ReleasedSchemas.fingerprintOf(value)
                    + "): upgrade the cdr-pipeline converter"));
        } catch (IllegalArgumentException e) {
            throw new DataException("value in " + topic + " is " + e.getMessage());
        }
        Schema newest = newest(contract);
        GenericRecord record;
        try {
            record = decoders.computeIfAbsent(contract,
                    c -> new BinaryMessageDecoder<>(GenericData.get(), newest, ReleasedSchemas.store())).decode(value);
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot decode a " + contract + " in " + topic + ": " + e.getClass().getSimpleName(), e);
        }
        org.apache.kafka.connect.data.Schema schema = mapping.toConnect(newest);
        return new SchemaAndValue(schema, mapping.toConnectValue(schema, newest, record));
    }

    @Override
    public byte[] fromConnectData(String topic, org.apache.kafka.connect.data.Schema schema, Object value) {
        if (isKey) {
            return keys.fromConnectData(topic, schema, value);
        }
        if (value == null) {
            return null;
        }
        if (!(value instanceof Struct s) || s.schema().name() == null) {
            throw new DataException("only Structs of a cdr-pipeline contract can be written to " + topic);
        }
        String name = s.schema().name();
        String contract = name.substring(name.lastIndexOf('.') + 1);
        Schema newest = newest(contract);
        try {
            return encoders.computeIfAbsent(contract, c -> new BinaryMessageEncoder<>(GenericData.get(), newest))
                    .encode((GenericRecord) mapping.toAvroValue(newest, s)).array();
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot encode a " + contract + " for " + topic + ": " + e.getMessage(), e);
        }
    }

    private static Schema newest(String contract) {
        List<Schema> versions = ReleasedSchemas.versionsOf(contract);
        return versions.get(versions.size() - 1);
    }
}
