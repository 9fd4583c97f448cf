package io.cdrpipeline.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class SchemaCompatibilityTest {

    private static final List<Schema> CURRENT =
            List.of(BillingRecord.getClassSchema(), AnalyticsRecord.getClassSchema(), AuditReceipt.getClassSchema(),
            ErasureRequest.getClassSchema(), LegalHold.getClassSchema(), KpiCell.getClassSchema(), AuditCheckpoint.getClassSchema());

    @Test
    void shouldKeepEveryCurrentSchemaCompatibleWithEveryReleasedVersion() {
        for (Schema current : CURRENT) {
            assertThat(Compatibility.problems(current, ReleasedSchemas.versionsOf(current.getName())))
                    .as("compatibility of %s with its released versions", current.getName())
                    .isEmpty();
        }
    }

    @Test
    void shouldHaveReleasedTheCurrentSchemaOfEveryContract() {
        for (Schema current : CURRENT) {
            long fingerprint = SchemaNormalization.parsingFingerprint64(current);
            assertThat(ReleasedSchemas.versionsOf(current.getName()))
                    .as("%s changed without a release: add released/%s/vN.avsc with%n%s",
                            current.getName(), current.getName(), current.toString(true))
                    .anyMatch(s -> SchemaNormalization.parsingFingerprint64(s) == fingerprint);
        }
    }

    @Test
    void shouldRejectAFieldAddedWithoutDefault() {
        Schema broken = withExtraField(BillingRecord.getClassSchema(), "{\"name\":\"tariff\",\"type\":\"string\"}");
        assertThat(Compatibility.problems(broken, ReleasedSchemas.versionsOf("BillingRecord")))
                .anyMatch(p -> p.startsWith("backward"));
    }

    @Test
    void shouldRejectARemovedFieldThatOldReadersNeed() {
        String json = AnalyticsRecord.getClassSchema().toString()
                .replace("{\"name\":\"durationSeconds\",\"type\":\"long\"},", "");
        Schema shrunk = new Schema.Parser().parse(json);
        assertThat(shrunk.getField("durationSeconds")).isNull();
        assertThat(Compatibility.problems(shrunk, ReleasedSchemas.versionsOf("AnalyticsRecord")))
                .anyMatch(p -> p.startsWith("forward"));
    }

    @Test
    void shouldAcceptAnOptionalFieldWithDefault() {
        Schema extended = withExtraField(BillingRecord.getClassSchema(),
                "{\"name\":\"tariff\",\"type\":[\"null\",\"string\"],\"default\":null}");
        assertThat(Compatibility.problems(extended, ReleasedSchemas.versionsOf("BillingRecord"))).isEmpty();
    }

    @Test
    void shouldDecodeSingleObjectEncodedRecordsByFingerprintFromTheStore() throws Exception {
        BillingRecord record = BillingRecord.newBuilder()
                .setRecordId("pbx1:1714557600.3").setSource("pbx1")
                .setCalling(new PartyNumber("201", NumberType.EXTENSION, "201", null))
                .setCalled(new PartyNumber("+33612345678", NumberType.E164, "0612345678", true))
                .setStartTime(Instant.parse("2024-05-01T08:00:00Z"))
                .setEndTime(Instant.parse("2024-05-01T08:00:30Z"))
                .setDurationSeconds(30).setBillableSeconds(0)
                .setDisposition(Disposition.NO_ANSWER).setLegRole(LegRole.ORIGINATING)
                .build();
        ByteBuffer bytes = record.toByteBuffer();
        assertThat(bytes.get(0)).isEqualTo((byte) 0xC3);
        assertThat(bytes.get(1)).isEqualTo((byte) 0x01);
        BinaryMessageDecoder<BillingRecord> decoder = new BinaryMessageDecoder<>(
                new SpecificData(), BillingRecord.getClassSchema(), ReleasedSchemas.store());
        assertThat(decoder.decode(bytes)).isEqualTo(record);
    }

    private static Schema withExtraField(Schema schema, String fieldJson) {
        String json = schema.toString();
        int end = json.lastIndexOf("]}");
        return new Schema.Parser().parse(json.substring(0, end) + "," + fieldJson + json.substring(end));
    }
}
