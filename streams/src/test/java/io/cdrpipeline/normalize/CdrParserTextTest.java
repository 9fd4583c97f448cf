package io.cdrpipeline.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.ingest.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The bytes-to-text checks in front of every adapter: the printable-ASCII fast path (#13) must
 * decide exactly as the strict path does — blank is empty, control characters are not text,
 * line ends and a BOM are dropped, UTF-8 and ISO-8859-1 caller names are read.
 */
class CdrParserTextTest {

    private static final String LINE = "\"1001\",\"+493012345678\",\"+4989123456\",\"from-internal\","
            + "\"\"\"Anna\"\" <+493012345678>\",\"SIP/100-00000001\",\"SIP/trunk-00000002\",\"Dial\","
            + "\"SIP/trunk/+4989123456,30\",\"2026-05-03 10:15:00\",\"2026-05-03 10:15:05\","
            + "\"2026-05-03 10:16:05\",\"65\",\"60\",\"ANSWERED\",\"DOCUMENTATION\",\"1714724100.17\",\"\"";

    private final CdrParser parser = new CdrParser(PipelineConfig.of(Map.of("source.pbx.format", "asterisk-csv",
            "source.pbx.region", "DE", "source.pbx.zone", "Europe/Berlin")).sources(),
            new Normalizer(new NumberNormalizer(100)), 262_144);

    private ParseOutcome parse(byte[] payload) {
        return parser.parse(payload, null, "pbx");
    }

    @Test
    void shouldReadAPlainAsciiLineAndTheSameLineWithBomAndLineEndAlike() {
        ParseOutcome plain = parse(LINE.getBytes(StandardCharsets.US_ASCII));
        ParseOutcome dressed = parse(("\uFEFF" + LINE + "\r\n").getBytes(StandardCharsets.UTF_8));

        assertThat(plain.isRejected()).as(plain.detail()).isFalse();
        assertThat(dressed.isRejected()).as(dressed.detail()).isFalse();
        assertThat(dressed.record().recordId()).isEqualTo(plain.record().recordId());
    }

    @Test
    void shouldRejectBlankAndControlCharactersOnEitherPath() {
        assertThat(parse("      ".getBytes(StandardCharsets.US_ASCII)).reason()).isEqualTo(RejectReason.EMPTY);
        assertThat(parse(" \r\n".getBytes(StandardCharsets.US_ASCII)).reason()).isEqualTo(RejectReason.EMPTY);
        assertThat(parse((LINE + "\u0001").getBytes(StandardCharsets.US_ASCII)).reason()).isEqualTo(RejectReason.NOT_TEXT);
        assertThat(parse((LINE + "\u007F").getBytes(StandardCharsets.US_ASCII)).reason()).isEqualTo(RejectReason.NOT_TEXT);
        assertThat(parse(("ü" + LINE + "\u0000").getBytes(StandardCharsets.UTF_8)).reason())
                .as("non-ASCII takes the decoder, which must still find the control character")
                .isEqualTo(RejectReason.NOT_TEXT);
    }

    @Test
    void shouldReadCallerNamesInUtf8AndInLatin1() {
        String named = LINE.replace("Anna", "Jürgen");
        ParseOutcome utf8 = parse(named.getBytes(StandardCharsets.UTF_8));
        ParseOutcome latin1 = parse(named.getBytes(StandardCharsets.ISO_8859_1));

        assertThat(utf8.isRejected()).as(utf8.detail()).isFalse();
        assertThat(latin1.isRejected()).as(latin1.detail()).isFalse();
        assertThat(latin1.record().calling()).isEqualTo(utf8.record().calling());
    }
}
