package io.cdrpipeline.connect;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import java.util.Date;
import org.apache.avro.JsonProperties;

/**
 * Our Avro contracts as Kafka Connect data, both ways: records become {@link Struct}s (nested
 * records nested structs), {@code ["null", T]} an optional T, enums strings, {@code timestamp-millis}
 * Connect's {@link Timestamp}. Only what the contracts use is mapped; anything else is a
 * {@link DataException} naming the type.
 */
final class ConnectSchemas {

    private final Map<org.apache.avro.Schema, Schema> connect = new IdentityHashMap<>();

    /** The Connect schema of an Avro schema (cached: one instance per Avro schema). */
    Schema toConnect(org.apache.avro.Schema avro) {
        Schema s = connect.get(avro);
        if (s == null) {
            s = build(avro, false);
            connect.put(avro, s);
        }
        return s;
    }

    private Schema build(org.apache.avro.Schema avro, boolean optional) {
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            return build(nonNull(avro), true);
        }
        SchemaBuilder b = switch (avro.getType()) {
            case RECORD -> {
                SchemaBuilder struct = SchemaBuilder.struct().name(avro.getFullName());
                if (avro.getDoc() != null) {
                    struct.doc(avro.getDoc());
                }
                for (org.apache.avro.Schema.Field f : avro.getFields()) {
                    struct.field(f.name(), build(f.schema(), false));
                }
                yield struct;
            }
            case STRING, ENUM -> SchemaBuilder.string();
            case LONG -> avro.getLogicalType() instanceof LogicalTypes.TimestampMillis ? Timestamp.builder() : SchemaBuilder.int64();
            case INT -> SchemaBuilder.int32();
            case BOOLEAN -> SchemaBuilder.bool();
            case DOUBLE -> SchemaBuilder.float64();
            case FLOAT -> SchemaBuilder.float32();
            case BYTES, FIXED -> SchemaBuilder.bytes();
            case ARRAY -> SchemaBuilder.array(build(avro.getElementType(), false));
            case MAP -> SchemaBuilder.map(Schema.STRING_SCHEMA, build(avro.getValueType(), false));
            default -> throw new DataException("no Connect mapping for Avro type " + avro.getType());
        };
        return optional ? b.optional().build() : b.build();
    }

    /** The T of {@code ["null", T]}; anything else is not a union the contracts use. */
    private static org.apache.avro.Schema nonNull(org.apache.avro.Schema union) {
        List<org.apache.avro.Schema> types = union.getTypes();
        if (types.size() == 2 && types.get(0).getType() == org.apache.avro.Schema.Type.NULL) {
            return types.get(1);
        }
        if (types.size() == 2 && types.get(1).getType() == org.apache.avro.Schema.Type.NULL) {
            return types.get(0);
        }
        throw new DataException("no Connect mapping for the union " + union);
    }

    /** A decoded Avro value as Connect data of {@code schema}. */
    Object toConnectValue(Schema schema, org.apache.avro.Schema avro, Object value) {
        if (value == null) {
            return null;
        }
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            return toConnectValue(schema, nonNull(avro), value);
        }
        return switch (avro.getType()) {
            case RECORD -> {
                GenericRecord r = (GenericRecord) value;
                Struct s = new Struct(schema);
                for (org.apache.avro.Schema.Field f : avro.getFields()) {
                    s.put(f.name(), toConnectValue(schema.field(f.name()).schema(), f.schema(), r.get(f.pos())));
                }
                yield s;
            }
            case STRING, ENUM -> value.toString();
            case LONG -> Timestamp.LOGICAL_NAME.equals(schema.name()) ? new Date((Long) value) : value;
            case BYTES -> bytes((ByteBuffer) value);
            case FIXED -> ((GenericData.Fixed) value).bytes().clone();
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object e : (List<?>) value) {
                    out.add(toConnectValue(schema.valueSchema(), avro.getElementType(), e));
                }
                yield out;
            }
            case MAP -> {
                Map<String, Object> out = new HashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> out.put(k.toString(),
                        toConnectValue(schema.valueSchema(), avro.getValueType(), v)));
                yield out;
            }
            default -> value;
        };
    }

    /** Connect data of a record's schema back as the Avro record of {@code avro}. */
    Object toAvroValue(org.apache.avro.Schema avro, Object value) {
        if (value == null) {
            return null;
        }
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            return toAvroValue(nonNull(avro), value);
        }
        return switch (avro.getType()) {
            case RECORD -> {
                Struct s = (Struct) value;
                GenericData.Record r = new GenericData.Record(avro);
                for (org.apache.avro.Schema.Field f : avro.getFields()) {
                    r.put(f.pos(), s.schema().field(f.name()) == null ? f.defaultVal() == JsonProperties.NULL_VALUE
                            ? null : GenericData.get().getDefaultValue(f) : toAvroValue(f.schema(), s.get(f.name())));
                }
                yield r;
            }
            case ENUM -> new GenericData.EnumSymbol(avro, value.toString());
            case LONG -> value instanceof Date d ? d.getTime() : value;
            case BYTES -> ByteBuffer.wrap((byte[]) value);
            case FIXED -> new GenericData.Fixed(avro, (byte[]) value);
            case ARRAY -> {
                List<Object> out = new ArrayList<>();
                for (Object e : (List<?>) value) {
                    out.add(toAvroValue(avro.getElementType(), e));
                }
                yield out;
            }
            case MAP -> {
                Map<String, Object> out = new HashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> out.put(k.toString(), toAvroValue(avro.getValueType(), v)));
                yield out;
            }
            default -> value;
        };
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }
}
