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
        String uniqueId = SwitchIds.clean(row.apply("uniqueid"));
        String sequence = Fields.text(row.apply("sequence"));
        String linkedId = SwitchIds.clean(row.apply("linkedid"));
        String facts = SwitchCdr.facts(row.apply("start"), row.apply("answer"), row.apply("end"), row.apply("src"),
                row.apply("dst"), row.apply("channel"), row.apply("dstchannel"), row.apply("disposition"),
                row.apply("duration"), row.apply("billsec"));
        return new SwitchCdr(
                uniqueId,
                sequence != null && sequence.matches("\\d{1,18}") ? sequence : null,
                facts,
                Fields.text(row.apply("accountcode")),
                row.apply("src"),
                row.apply("dst"),
                times.start(), times.answer(), times.end(),
                duration, billsec,
                disposition(row.apply("disposition")),
                null, null,
                legRole(row.apply("channel")),
                linkedId != null ? linkedId : uniqueId,
                zoneSkew(row.apply("uniqueid"), times.start()));
    }

    /**
     * A uniqueid is {@code [system-]epoch.counter}: the channel's creation time, written in UTC
     * whatever the CDR's time zone. A CDR starts at or after it; the difference is null when
     * the id has no epoch.
     */
    static Long zoneSkew(String uniqueId, java.time.Instant start) {
        String u = Fields.text(uniqueId);
        if (u == null) {
            return null;
        }
        int dot = u.lastIndexOf('.');
        int dash = u.lastIndexOf('-', dot);
        if (dot < 0 || dot - dash - 1 < 9 || dot - dash - 1 > 11) {
            return null;
        }
        try {
            long created = Long.parseLong(u.substring(dash + 1, dot));
            return start.getEpochSecond() - created;
        } catch (NumberFormatException e) {
            return null;
        }
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
