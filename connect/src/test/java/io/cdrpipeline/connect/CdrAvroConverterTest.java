package io.cdrpipeline.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.schema.DeletionReason;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.schema.ReleasedSchemas;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class CdrAvroConverterTest {

    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private static CdrAvroConverter values() {
        CdrAvroConverter c = new CdrAvroConverter();
        c.configure(Map.of(), false);
        return c;
    }

    private static BillingRecord billing() {
        return BillingRecord.newBuilder().setRecordId("pbx-berlin:1711846750.26").setSource("pbx-berlin").setAccount("acct-7")
                .setCalling(PartyNumber.newBuilder().setNumber("+4930123456").setType(NumberType.E164).setRaw("030123456")
                        .setKnownRange(true).build())
                .setCalled(PartyNumber.newBuilder().setNumber("201").setType(NumberType.EXTENSION).setRaw("201").build())
                .setStartTime(START).setAnswerTime(START.plusSeconds(3)).setEndTime(START.plusSeconds(111))
                .setDurationSeconds(111).setBillableSeconds(108).setDisposition(Disposition.ANSWERED)
                .setHangupCause("NORMAL_CLEARING").setQ850Cause(16).setLegRole(LegRole.ORIGINATING).build();
    }

    @Test
    void aBillingRecordBecomesAStructWithTheNewestSchemaAndComesBackByteForByte() throws Exception {
        byte[] written = BillingRecord.getEncoder().encode(billing()).array();
        SchemaAndValue read = values().toConnectData("cdr.billing", written);
        Struct s = (Struct) read.value();
        assertThat(read.schema().name()).isEqualTo("io.cdrpipeline.schema.BillingRecord");
        assertThat(s.getString("recordId")).isEqualTo("pbx-berlin:1711846750.26");
        assertThat(s.getStruct("calling").getString("number")).isEqualTo("+4930123456");
        assertThat(s.getStruct("calling").getString("type")).isEqualTo("E164");
        assertThat(s.getStruct("called").getBoolean("knownRange")).isNull();
        assertThat(read.schema().field("startTime").schema().name()).isEqualTo(Timestamp.LOGICAL_NAME);
        assertThat(s.get("startTime")).isEqualTo(Date.from(START));
        assertThat(s.getInt64("billableSeconds")).isEqualTo(108L);
        assertThat(s.getInt32("q850Cause")).isEqualTo(16);
        assertThat(s.getString("disposition")).isEqualTo("ANSWERED");
        assertThat(read.schema().field("account").schema().isOptional()).isTrue();

        byte[] back = values().fromConnectData("cdr.billing", read.schema(), s);
        assertThat(back).isEqualTo(written);
        assertThat(BillingRecord.getDecoder().decode(back)).isEqualTo(billing());
    }

    @Test
    void aRecordWrittenWithTheFirstReleasedVersionReadsWithTheNewestSchema() throws Exception {
        Schema v1 = ReleasedSchemas.versionsOf("BillingRecord").get(0);
        GenericRecord old = new GenericData.Record(v1);
        Schema party = v1.getField("calling").schema();
        GenericRecord calling = new GenericData.Record(party);
        calling.put("number", "+4930123456");
        calling.put("type", new GenericData.EnumSymbol(party.getField("type").schema(), "E164"));
        old.put("recordId", "pbx-old:1");
        old.put("source", "pbx-old");
        old.put("calling", calling);
        old.put("called", calling);
        old.put("startTime", START.toEpochMilli());
        old.put("endTime", START.plusSeconds(60).toEpochMilli());
        old.put("durationSeconds", 60L);
        old.put("billableSeconds", 55L);
        old.put("disposition", new GenericData.EnumSymbol(v1.getField("disposition").schema(), "ANSWERED"));
        old.put("legRole", new GenericData.EnumSymbol(v1.getField("legRole").schema(), "UNKNOWN"));
        for (Schema.Field f : v1.getFields()) {
            if (old.get(f.name()) == null && f.hasDefaultValue()) {
                old.put(f.name(), GenericData.get().getDefaultValue(f));
            }
        }
        byte[] written = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();
        SchemaAndValue read = values().toConnectData("cdr.billing", written);
        Struct s = (Struct) read.value();
        assertThat(s.getString("recordId")).isEqualTo("pbx-old:1");
        assertThat(s.getStruct("calling").getString("raw")).as("a field v1 did not have: its default").isNull();
        assertThat(s.getBoolean("switchIdReused")).isFalse();
        assertThat(read.schema()).isEqualTo(values().toConnectData("cdr.billing",
                BillingRecord.getEncoder().encode(billing()).array()).schema());
    }

    @Test
    void tombstonesStayNullAndKeysAreStrings() {
        assertThat(values().toConnectData("cdr.billing", null)).isEqualTo(SchemaAndValue.NULL);
        assertThat(values().fromConnectData("cdr.billing", null, null)).isNull();
        CdrAvroConverter keys = new CdrAvroConverter();
        keys.configure(Map.of(), true);
        SchemaAndValue k = keys.toConnectData("cdr.billing", "pbx-berlin:1".getBytes(StandardCharsets.UTF_8));
        assertThat(k.value()).isEqualTo("pbx-berlin:1");
        assertThat(k.schema().type()).isEqualTo(org.apache.kafka.connect.data.Schema.Type.STRING);
    }

    @Test
    void auditReceiptsReadToo() throws Exception {
        AuditReceipt r = AuditReceipt.newBuilder().setKeyHash("h").setTopic("cdr.billing").setDataClass(DataClass.BILLING)
                .setCount(1).setPolicyVersion(3).setReason(DeletionReason.ERASURE_REQUEST).setWindowClose(START)
                .setEmittedAt(START.plusSeconds(60)).build();
        Struct s = (Struct) values().toConnectData("cdr.audit", AuditReceipt.getEncoder().encode(r).array()).value();
        assertThat(s.getString("reason")).isEqualTo("ERASURE_REQUEST");
        assertThat(s.getString("caseReference")).isNull();
    }

    @Test
    void whatIsNotOurEncodingIsRefusedWithAMessageNamingTheTopic() {
        assertThatThrownBy(() -> values().toConnectData("cdr.billing", "{\"json\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(DataException.class).hasMessageContaining("cdr.billing").hasMessageContaining("C3 01");
        byte[] unknown = {(byte) 0xC3, 0x01, 1, 2, 3, 4, 5, 6, 7, 8, 0};
        assertThatThrownBy(() -> values().toConnectData("cdr.billing", unknown))
                .isInstanceOf(DataException.class).hasMessageContaining("fingerprint");
    }
}
