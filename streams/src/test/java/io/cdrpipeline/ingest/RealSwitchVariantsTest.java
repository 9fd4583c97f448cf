package io.cdrpipeline.ingest;

import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.normalize.ParseOutcome;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.config.ConfigException;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.normalize.CallRecord;
import io.cdrpipeline.normalize.Normalizer;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.normalize.RecordIds;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.NumberType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What real switch output does that our first fixtures did not (issue #8), on look-alike files
 * written for these tests: switch ids shared by distinct CDRs, free text in typed fields, a zone
 * that disagrees with the switch's epoch, configuration pasted from the switch.
 */
class RealSwitchVariantsTest {

    private static final Map<String, String> SOURCES = Map.ofEntries(
            Map.entry("source.pbx-berlin.format", "asterisk-csv"),
            Map.entry("source.pbx-berlin.region", "DE"),
            Map.entry("source.pbx-berlin.zone", "Europe/Berlin"),
            Map.entry("source.fs-london.format", "freeswitch-csv"),
            Map.entry("source.fs-london.region", "GB"),
            Map.entry("source.fs-london.zone", "Europe/London"),
            Map.entry("source.fs-edge.format", "freeswitch-json"),
            Map.entry("source.fs-edge.region", "GB"),
            Map.entry("source.fs-edge.zone", "Europe/London"),
            Map.entry("source.pbx-nyc.format", "asterisk-csv"),
            Map.entry("source.pbx-nyc.region", "US"),
            Map.entry("source.pbx-nyc.zone", "America/New_York"));

    private final CdrParser parser = parser(PipelineConfig.of(SOURCES));

    @Test
    void shouldGiveEachCdrOfAForkedAsteriskChannelItsOwnKey() throws IOException {
        List<CallRecord> rows = parseLines("asterisk-forked.csv", "pbx-berlin");

        assertThat(rows).extracting(CallRecord::recordId).doesNotHaveDuplicates().hasSize(4)
                .allMatch(id -> id.matches("pbx-berlin:17147(19600\\.41|23200\\.52)~[0-9a-f]{12}"));
        assertThat(rows).extracting(CallRecord::disposition).containsExactly(Disposition.NO_ANSWER, Disposition.ANSWERED,
                Disposition.BUSY, Disposition.CONGESTION);
        assertThat(rows.get(0).switchIdentity()).isEqualTo(rows.get(1).switchIdentity()).isEqualTo("pbx-berlin:1714719600.41");
        assertThat(rows.get(2).partitionKey()).as("CDRs of one channel share a partition").isEqualTo(rows.get(3).partitionKey());
    }

    /**
     * Issue 22, on a look-alike US file: the values a billing team would dispute. Every digit as
     * logged (810 is a prefix, not Japan + a dropped 0), no impossible NANP number typed E.164, no
     * billable time on an unanswered call (forked and Local/ channels log it), one rule for absent
     * parties on both sides.
     */
    @Test
    void shouldBillWhatTheSwitchLoggedAndNothingThatWasNotAnswered() throws IOException {
        List<CallRecord> rows = parseLines("asterisk-us-disputed.csv", "pbx-nyc");

        assertThat(rows.get(0).called().type()).isEqualTo(NumberType.UNKNOWN);
        assertThat(rows.get(0).called().value()).isEqualTo("+810972543424820");
        assertThat(rows.get(1).called().type()).isEqualTo(NumberType.UNKNOWN);
        assertThat(rows.get(1).called().value()).isEqualTo("011810441134900292");
        assertThat(rows.get(2).called().type()).as("NANP area codes never start with 1").isEqualTo(NumberType.UNKNOWN);
        assertThat(rows.get(3).toBilling().getBillableSeconds()).isZero();
        assertThat(rows.get(3).toBilling().getLoggedBillableSeconds()).isEqualTo(7L);
        assertThat(rows.get(4).toBilling().getBillableSeconds()).isZero();
        assertThat(rows.get(4).toBilling().getLoggedBillableSeconds()).isEqualTo(72L);
        assertThat(rows.get(4).toBilling().getBillableCorrected()).isTrue();
        assertThat(rows.get(5).calling().type()).as("a blank src is no party").isEqualTo(NumberType.NONE);
        assertThat(rows.get(6).calling().type()).isEqualTo(NumberType.WITHHELD);
        assertThat(rows.get(7).called().type()).as("a blank dst is no party, as a blank src is").isEqualTo(NumberType.NONE);
        assertThat(rows.get(7).called().value()).isNull();
        assertThat(rows.get(5).toBilling().getBillableCorrected()).isFalse();
    }

    /** Issue 22, finding 2: a FreeSWITCH destination that is an IP address stays that address, not extension 192024. */
    @Test
    void shouldKeepAnIpAddressAsLogged() throws IOException {
        CallRecord r = parseLines("freeswitch-ip-destination.csv", "fs-london").get(0);
        assertThat(r.called().type()).isEqualTo(NumberType.UNKNOWN);
        assertThat(r.called().value()).isEqualTo("192.0.2.4");
    }

    @Test
    void shouldKeepAnExactResendOnTheSameKey() throws IOException {
        String line = fixture("asterisk-forked.csv").lines().findFirst().orElseThrow();
        String a = parser.parse(bytes(line), null, "pbx-berlin").record().recordId();
        String b = parser.parse(bytes(line + "\r\n"), null, "pbx-berlin").record().recordId();
        assertThat(a).isEqualTo(b);
        assertThat(parser.partitionKey(bytes(line), null, "pbx-berlin"))
                .as("what a producer computes is what the pipeline computes")
                .isEqualTo(parser.parse(bytes(line), null, "pbx-berlin").record().partitionKey());
    }

    @Test
    void shouldTellFreeSwitchLinesSharingAUuidApart() throws IOException {
        List<CallRecord> rows = parseLines("freeswitch-shared-uuid.csv", "fs-london");

        assertThat(rows.get(0).recordId()).isNotEqualTo(rows.get(1).recordId());
        assertThat(rows.get(0).end()).isEqualTo(rows.get(1).end());
        assertThat(rows).extracting(r -> r.calling().value()).containsExactly("1001", "1002");
    }

    @Test
    void shouldKeepFreeTextOutOfTypedFields() throws IOException {
        ParseOutcome o = parser.parse(bytes(fixture("freeswitch-free-text.json")), null, "fs-edge");
        CallRecord r = o.record();

        assertThat(r.calling().type()).as("a display name in sip_from_user is no calling party").isEqualTo(NumberType.NONE);
        assertThat(r.calling().raw()).isNull();
        assertThat(r.called().value()).isEqualTo("+442071838750");
        assertThat(r.hangupCause()).isEqualTo("NORMAL_CLEARING");
        assertThat(r.recordId()).startsWith("fs-edge:b1c2d3e4-1111-4222-8333-944455566677~").doesNotContain("192.0.2.10");
        assertThat(r.switchCallId()).isEqualTo("b1c2d3e4-1111-4222-8333-944455566677");
        assertThat(r.toBilling().toString()).doesNotContain("Jane").doesNotContain("192.0.2");
    }

    @Test
    void shouldNameHangupCausesOrSayOther() {
        assertThat(HangupCauses.name("normal_clearing")).isEqualTo("NORMAL_CLEARING");
        assertThat(HangupCauses.name("USER_BUSY (Jane Roe)")).isEqualTo("USER_BUSY");
        assertThat(HangupCauses.name("SIP 486 Busy Here")).isEqualTo("SIP_486");
        assertThat(HangupCauses.name("sip:503")).isEqualTo("SIP_503");
        assertThat(HangupCauses.name("Jane hung up on me")).isEqualTo("OTHER");
        assertThat(HangupCauses.disposition("SIP_486", false)).isEqualTo(Disposition.BUSY);
    }

    @Test
    void shouldMeasureTheSkewOfStampsReadInTheWrongZone() throws IOException {
        CallRecord gmt = parseLines("asterisk-usegmtime.csv", "pbx-berlin").get(0);
        assertThat(gmt.zoneSkewSeconds()).as("usegmtime=yes read as Berlin time").isEqualTo(-7200L);
        CallRecord right = parseLines("asterisk-forked.csv", "pbx-berlin").get(0);
        assertThat(right.zoneSkewSeconds()).isZero();
    }

    @Test
    void shouldRejectRecordsOfAnUnconfiguredSourceInsteadOfGuessingItsZone() {
        ParseOutcome o = parser.parse(bytes("\"\",\"201\",\"202\",\"x\",\"\",\"c\",\"d\",\"Dial\",\"\",\"2024-05-03 09:00:00\",,"
                + "\"2024-05-03 09:00:12\",12,0,\"NO ANSWER\",\"DOCUMENTATION\""), "asterisk-csv", "pbx-nowhere");
        assertThat(o.reason()).isEqualTo(RejectReason.UNKNOWN_SOURCE);
        assertThat(o.detail()).contains("source.<name>.region");
        assertThatThrownBy(() -> PipelineConfig.of(SOURCES).requireSource("pbx-nowhere"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("source.pbx-nowhere.region")
                .hasMessageContaining("source.pbx-nowhere.zone");
    }

    @Test
    void shouldAcceptACdrCustomMappingPastedAsItStandsInTheSwitchConfiguration() {
        Map<String, String> settings = new HashMap<>(SOURCES);
        settings.put("source.pbx-paris.format", "asterisk-custom");
        settings.put("source.pbx-paris.region", "FR");
        settings.put("source.pbx-paris.zone", "Europe/Paris");
        settings.put("source.pbx-paris.columns", "Master.csv => ${CSV_QUOTE(${CDR(clid)})},${CSV_QUOTE(${CDR(src)})},"
                + "${CSV_QUOTE(${CDR(dst)})},${CSV_QUOTE(${CDR(start)})},${CSV_QUOTE(${CDR(answer)})},"
                + "${CSV_QUOTE(${CDR(end)})},${CDR(duration,f)},${CDR(billsec)},${CSV_QUOTE(${CDR(disposition)})},"
                + "${CSV_QUOTE(${CDR(uniqueid)})},${CDR(sequence)}");
        CdrParser paris = parser(PipelineConfig.of(settings));

        ParseOutcome o = paris.parse(bytes("\"\"\"Martin\"\" <0145678901>\",\"0145678901\",\"102\",\"2024-06-01 15:00:00\","
                + "\"\",\"2024-06-01 15:00:25\",25.000000,0,\"NO ANSWER\",\"1717246800.12\",8"), null, "pbx-paris");

        assertThat(o.isRejected()).as("%s", o.detail()).isFalse();
        assertThat(o.record().recordId()).isEqualTo("pbx-paris:1717246800.12:8");
        assertThat(o.record().calling().value()).isEqualTo("+33145678901");
    }

    @Test
    void shouldStopTheStartOnATemplateTypoNamingTheColumn() {
        Map<String, String> settings = new HashMap<>(SOURCES);
        settings.put("source.pbx-paris.format", "asterisk-custom");
        settings.put("source.pbx-paris.region", "FR");
        settings.put("source.pbx-paris.zone", "Europe/Paris");
        settings.put("source.pbx-paris.columns", "\"${CDR(clid)}\",\"${CDR(srcc)}\",\"${CDR(start)}\",\"${CDR(end)}\"");
        assertThatThrownBy(() -> PipelineConfig.of(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("column 2").hasMessageContaining("'srcc'").hasMessageContaining("did you mean 'src'");

        settings.put("source.pbx-paris.columns", "\"${CDR(clid)}\",\"${CDR(src)}\",\"${CDR(start)}\"");
        assertThatThrownBy(() -> PipelineConfig.of(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("no column for the call's end");

        settings.put("source.pbx-paris.format", "freeswitch-csv");
        settings.put("source.pbx-paris.columns", "<template name=\"x\">\"${caller_id_number}\",\"${start_stamp}\",\"${uuid}\"</template>");
        assertThatThrownBy(() -> PipelineConfig.of(settings)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("end_stamp, end_epoch or end_uepoch");
        settings.put("source.pbx-paris.columns", "<template name=\"x\">\"${caller_id_number}\",\"${start_stamp}\",\"${end_stamp}\"</template>");
        assertThat(PipelineConfig.of(settings).configuredSources().get("pbx-paris").columns())
                .containsExactly("caller_id_number", "start_stamp", "end_stamp");
    }

    private List<CallRecord> parseLines(String file, String source) throws IOException {
        return fixture(file).lines().filter(l -> !l.isBlank()).map(l -> {
            ParseOutcome o = parser.parse(bytes(l), null, source);
            assertThat(o.isRejected()).as("%s: %s", file, o.detail()).isFalse();
            return o.record();
        }).toList();
    }

    static CdrParser parser(PipelineConfig config) {
        return new CdrParser(config.sources(), new Normalizer(new NumberNormalizer(1_000)), 262_144);
    }

    static String fixture(String name) throws IOException {
        try (InputStream in = RealSwitchVariantsTest.class.getResourceAsStream("/fixtures/switch-variants/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldKeyRecordsOfUnreadableLinesByNothingTheProducerCouldGuess() {
        assertThat(parser.partitionKey(bytes("garbage"), "asterisk-csv", "pbx-berlin")).isNull();
        assertThat(RecordIds.partitionOf(new byte[] {1, 2, 3, 4}, 4)).isBetween(0, 3);
    }
}
