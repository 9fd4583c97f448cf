package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.util.Locale;
import java.util.function.Function;

/**
 * Asterisk CDR variables ({@code accountcode, src, dst, channel, start, answer, end, duration,
 * billsec, disposition, uniqueid, linkedid, sequence}) to a {@link SwitchCdr}, whatever backend
 * (cdr_csv, cdr_custom) wrote them. Asterisk writes one row per bridged pair, from the point of
 * view of {@code channel}; the second half of a Local channel pair is the terminating leg.
 */
final class AsteriskFields {

    private AsteriskFields() {
    }

    static SwitchCdr toSwitchCdr(Function<String, String> row, SourceSettings source) throws RejectedCdr {
        Long duration = Fields.seconds(row, "duration");
        Long billsec = Fields.seconds(row, "billsec");
        Stamp.CallTimes times = Stamp.resolveCall(
                Stamp.parseText(row.apply("start"), "start"),
                Stamp.parseText(row.apply("answer"), "answer"),
                Stamp.parseText(row.apply("end"), "end"),
                duration, billsec, source.zone());
        String uniqueId = Fields.text(row.apply("uniqueid"));
        String sequence = Fields.text(row.apply("sequence"));
        String linkedId = Fields.text(row.apply("linkedid"));
        return new SwitchCdr(
                uniqueId == null ? null : sequence == null ? uniqueId : uniqueId + ":" + sequence,
                Fields.text(row.apply("accountcode")),
                row.apply("src"),
                row.apply("dst"),
                times.start(), times.answer(), times.end(),
                duration, billsec,
                disposition(row.apply("disposition")),
                null, null,
                legRole(row.apply("channel")),
                linkedId != null ? linkedId : uniqueId);
    }

    static Disposition disposition(String raw) {
        String d = Fields.text(raw);
        if (d == null) {
            return Disposition.UNKNOWN;
        }
        return switch (d.toUpperCase(Locale.ROOT).replace(" ", "").replace("_", "")) {
            case "ANSWERED" -> Disposition.ANSWERED;
            case "NOANSWER" -> Disposition.NO_ANSWER;
            case "BUSY" -> Disposition.BUSY;
            case "FAILED" -> Disposition.FAILED;
            case "CONGESTION" -> Disposition.CONGESTION;
            case "CANCEL", "CANCELLED", "CANCELED" -> Disposition.CANCELLED;
            default -> Disposition.UNKNOWN;
        };
    }

    private static LegRole legRole(String channel) {
        String c = Fields.text(channel);
        if (c == null) {
            return LegRole.UNKNOWN;
        }
        return c.startsWith("Local/") && c.endsWith(";2") ? LegRole.TERMINATING : LegRole.ORIGINATING;
    }
}
