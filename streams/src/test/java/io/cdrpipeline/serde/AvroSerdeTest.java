package io.cdrpipeline.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.topology.Topics;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    private final AvroSerde<BillingRecord> serde = Topics.billingSerde();

    @Test
    void shouldWriteExactlyAvrosSingleObjectEncoding() throws Exception {
        for (int i = 0; i < 50; i++) {
            BillingRecord r = record(i);
            ByteBuffer reference = new BinaryMessageEncoder<BillingRecord>(SpecificData.getForClass(BillingRecord.class),
                    BillingRecord.getClassSchema()).encode(r);
            byte[] expected = new byte[reference.remaining()];
            reference.get(expected);

            assertThat(serde.encode(r)).isEqualTo(expected);
            assertThat(serde.decode(serde.encode(r))).isEqualTo(r);
        }
        assertThat(serde.encode(null)).isNull();
    }

    @Test
    void shouldEncodeFromManyThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            java.util.List<Future<Boolean>> results = new java.util.ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        if (!serde.decode(serde.encode(record(i))).equals(record(i))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static BillingRecord record(int i) {
        Instant end = Instant.parse("2026-11-26T12:00:00Z").plusSeconds(i);
        return BillingRecord.newBuilder().setRecordId("pbx1:" + i + "x".repeat(i * 13)).setSource("pbx1")
                .setAccount(i % 3 == 0 ? null : "acct-" + i)
                .setCalling(new PartyNumber("+4930" + (1000000 + i), NumberType.E164, "030" + (1000000 + i), i % 2 == 0))
                .setCalled(new PartyNumber("20" + i, NumberType.EXTENSION, "20" + i, null))
                .setStartTime(end.minusSeconds(60 + i)).setEndTime(end).setDurationSeconds(60 + i).setBillableSeconds(i)
                .setDisposition(Disposition.ANSWERED).setLegRole(LegRole.ORIGINATING).build();
    }
}
