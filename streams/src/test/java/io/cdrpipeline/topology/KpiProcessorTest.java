package io.cdrpipeline.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.KpiCell;
import io.cdrpipeline.schema.LegRole;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PseudonymousParty;
import io.cdrpipeline.serde.AvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/** The aggregator alone, on a topology of its own, under the test driver's wall clock. */
class KpiProcessorTest {

    private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");

    @Test
    void aWindowClosesOnWallClockTimePublishesOnlyCellsOfKCallersAndCountsLateRecords() {
        IngestMetrics metrics = new IngestMetrics();
        try (TopologyTestDriver driver = driver(metrics, Duration.ofMinutes(2), T0.plus(Duration.ofMinutes(1)))) {
            TestInputTopic<String, AnalyticsRecord> in = driver.createInputTopic("in", new StringSerializer(),
                    new AvroSerde<>(AnalyticsRecord.class, AnalyticsRecord.getClassSchema()).serializer());
            TestOutputTopic<String, KpiCell> out = driver.createOutputTopic("out", new StringDeserializer(),
                    KPI.deserializer());
            // Berlin (49 30): 12 calls from 6 callers; Munich (49 89): 4 calls from 2 callers.
            for (int i = 0; i < 12; i++) {
                in.pipeInput("r" + i, call(i, "caller-" + (i % 6), 30, Disposition.ANSWERED, 60));
            }
            for (int i = 12; i < 16; i++) {
                in.pipeInput("r" + i, call(i, "caller-" + (i % 2), 89, Disposition.BUSY, 0));
            }
            driver.advanceWallClockTime(Duration.ofMinutes(10));
            assertThat(out.isEmpty()).as("open until its end + grace").isTrue();
            driver.advanceWallClockTime(Duration.ofMinutes(15));
            List<KpiCell> cells = out.readValuesToList();
            assertThat(suppressed(cells)).singleElement().satisfies(c -> {
                assertThat(c.getCountry()).isEqualTo("*");
                assertThat(c.getAttempts()).as("Munich's 2 callers: not even their count").isZero();
                assertThat(c.getSuppressed()).contains("fewer than k = 5 distinct callers");
            });
            assertThat(metrics.kpiSuppressed()).isEqualTo(1);
            assertThat(published(cells)).singleElement().satisfies(c -> {
                assertThat(c.getWindowSize()).isEqualTo("PT15M");
                assertThat(c.getNdc()).isEqualTo("30");
                assertThat(c.getAttempts()).isEqualTo(12);
                assertThat(c.getDistinctCallers()).isEqualTo(6);
                assertThat(c.getAcd()).isEqualTo(60.0);
                assertThat(c.getWindowStart()).isEqualTo(T0);
            });
            in.pipeInput("late", call(99, "caller-x", 30, Disposition.ANSWERED, 60));
            // The hour closes after its end + grace: the sum of its quarters' published cells, Munich still absent.
            driver.advanceWallClockTime(Duration.ofMinutes(45));
            List<KpiCell> hour = out.readValuesToList();
            assertThat(suppressed(hour)).singleElement().satisfies(c -> assertThat(c.getSuppressed()).contains("15-minute"));
            assertThat(published(hour)).singleElement().satisfies(c -> {
                assertThat(c.getWindowSize()).isEqualTo("PT1H");
                assertThat(c.getNdc()).isEqualTo("30");
                assertThat(c.getAttempts()).as("the late call is in no window").isEqualTo(12);
            });
            assertThat(metrics.kpiLate()).isEqualTo(1);
            // A call of the closed hour's last quarter, never opened: late, and the hour is not re-published.
            in.pipeInput("after", AnalyticsRecord.newBuilder(call(100, "caller-y", 30, Disposition.ANSWERED, 60))
                    .setStartMinute(T0.plus(Duration.ofMinutes(50))).build());
            driver.advanceWallClockTime(Duration.ofDays(1));
            List<KpiCell> day = out.readValuesToList();
            assertThat(published(day)).singleElement().satisfies(c -> {
                assertThat(c.getWindowSize()).isEqualTo("P1D");
                assertThat(c.getAttempts()).isEqualTo(12);
            });
            assertThat(metrics.kpiLate()).isEqualTo(2);
            assertThat(driver.getKeyValueStore(KpiProcessor.CELLS_STORE).approximateNumEntries())
                    .as("the closed window's callers are gone from the store").isZero();
        }
    }

    @Test
    void aBackfillOfAnOldHourPublishesEveryQuarterAndTheHourOnce() {
        IngestMetrics metrics = new IngestMetrics();
        // A month later: every window's end + grace is long past, so each closes a linger after its first CDR.
        Instant now = T0.plus(Duration.ofDays(30));
        try (TopologyTestDriver driver = driver(metrics, Duration.ofSeconds(30), now)) {
            TestInputTopic<String, AnalyticsRecord> in = driver.createInputTopic("in", new StringSerializer(),
                    new AvroSerde<>(AnalyticsRecord.class, AnalyticsRecord.getClassSchema()).serializer());
            TestOutputTopic<String, KpiCell> out = driver.createOutputTopic("out", new StringDeserializer(),
                    KPI.deserializer());
            // The hour's four quarters arrive 20 s apart (a file read in order): 6 callers, 6 calls each.
            for (int q = 0; q < 4; q++) {
                for (int i = 0; i < 6; i++) {
                    in.pipeInput("q" + q + "-" + i, AnalyticsRecord.newBuilder(call(i, "caller-" + i, 30, Disposition.ANSWERED, 60))
                            .setStartMinute(T0.plus(Duration.ofMinutes(15L * q + i))).build());
                }
                driver.advanceWallClockTime(Duration.ofSeconds(20));
            }
            driver.advanceWallClockTime(Duration.ofMinutes(3));
            List<KpiCell> cells = published(out.readValuesToList());
            assertThat(cells.stream().filter(c -> c.getWindowSize().equals("PT15M")).map(KpiCell::getAttempts))
                    .containsExactly(6L, 6L, 6L, 6L);
            assertThat(cells.stream().filter(c -> !c.getWindowSize().equals("PT15M")))
                    .extracting(KpiCell::getWindowSize, KpiCell::getAttempts, KpiCell::getDistinctCallers)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("PT1H", 24L, 6),
                            org.assertj.core.groups.Tuple.tuple("P1D", 24L, 6));
            assertThat(metrics.kpiLate()).isZero();
            // The same file again, later: nothing is published twice; every record is counted late.
            in.pipeInput("again", AnalyticsRecord.newBuilder(call(1, "caller-1", 30, Disposition.ANSWERED, 60))
                    .setStartMinute(T0.plus(Duration.ofMinutes(1))).build());
            driver.advanceWallClockTime(Duration.ofMinutes(3));
            assertThat(out.isEmpty()).isTrue();
            assertThat(metrics.kpiLate()).isEqualTo(1);
        }
    }

    private static final AvroSerde<KpiCell> KPI = new AvroSerde<>(KpiCell.class, KpiCell.getClassSchema());

    /** The aggregator (k 5, grace 5 min, the given linger, checked each second) between topics "in" and "out". */
    private static TopologyTestDriver driver(IngestMetrics metrics, Duration linger, Instant wallClock) {
        StreamsBuilder b = new StreamsBuilder();
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(KpiProcessor.CELLS_STORE),
                Serdes.String(), Serdes.ByteArray()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(KpiProcessor.WINDOWS_STORE),
                Serdes.String(), Serdes.Long()));
        b.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(KpiProcessor.ROLLUPS_STORE),
                Serdes.String(), Serdes.ByteArray()));
        b.stream("in", Consumed.with(Serdes.String(), new AvroSerde<>(AnalyticsRecord.class, AnalyticsRecord.getClassSchema())))
                .process(() -> new KpiProcessor(5, Duration.ofMinutes(5), linger, Duration.ofDays(400),
                                Duration.ofSeconds(1), metrics),
                        Named.as("kpi"), KpiProcessor.CELLS_STORE, KpiProcessor.WINDOWS_STORE, KpiProcessor.ROLLUPS_STORE)
                .to("out", Produced.with(Serdes.String(), KPI));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "kpi-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new TopologyTestDriver(b.build(), p, wallClock);
    }

    private static List<KpiCell> published(List<KpiCell> cells) {
        return cells.stream().filter(c -> c.getSuppressed() == null).toList();
    }

    private static List<KpiCell> suppressed(List<KpiCell> cells) {
        return cells.stream().filter(c -> c.getSuppressed() != null).toList();
    }

    private static AnalyticsRecord call(int i, String caller, int ndc, Disposition d, long billable) {
        PseudonymousParty calling = PseudonymousParty.newBuilder().setPseudonym(caller).setType(NumberType.E164)
                .setCountryCode(49).setDestinationCode("30").setRegion("DE").build();
        PseudonymousParty called = PseudonymousParty.newBuilder().setPseudonym("dest-" + i).setType(NumberType.E164)
                .setCountryCode(49).setDestinationCode(Integer.toString(ndc)).setRegion("DE").build();
        return AnalyticsRecord.newBuilder().setPseudoRecordId("p" + i).setKeyEpoch("2026-11").setCalling(calling).setCalled(called)
                .setStartMinute(T0.plusSeconds(30L * (i % 20))).setDurationSeconds(billable).setBillableSeconds(billable)
                .setDisposition(d).setQ850Cause(null).setSource("pbx-berlin").setLegRole(LegRole.ORIGINATING).build();
    }
}
