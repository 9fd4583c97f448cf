package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.util.Locale;
import java.util.function.Function;
import java.time.Instant;

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
        // Each column is looked up once: the identity facts reuse what the fields below read.
        String start = row.apply("start");
        String answer = row.apply("answer");
        String end = row.apply("end");
        String src = row.apply("src");
        String dst = row.apply("dst");
        String channel = row.apply("channel");
        String disposition = row.apply("disposition");
        String durationText = row.apply("duration");
        String billsecText = row.apply("billsec");
        String uniqueIdText = row.apply("uniqueid");
        Long duration = Fields.seconds(durationText, "duration");
        Long billsec = Fields.seconds(billsecText, "billsec");
        Stamp.CallTimes times = Stamp.resolveCall(
                Stamp.parseText(start, "start"),
                Stamp.parseText(answer, "answer"),
                Stamp.parseText(end, "end"),
                duration, billsec, source.zone());
        String uniqueId = SwitchIds.clean(uniqueIdText);
        String sequence = Fields.text(row.apply("sequence"));
        sequence = sequence != null && isDigits(sequence) ? sequence : null;
        String linkedId = SwitchIds.clean(row.apply("linkedid"));
        // The facts tell CDRs sharing a uniqueid apart; with a sequence the switch already did.
        String facts = sequence != null ? "" : SwitchCdr.facts(start, answer, end, src, dst, channel,
                row.apply("dstchannel"), disposition, durationText, billsecText);
        return new SwitchCdr(
                uniqueId,
                sequence,
                facts,
                Fields.text(row.apply("accountcode")),
                src,
                dst,
                times.start(), times.answer(), times.end(),
                duration, billsec,
                disposition(disposition),
                null, null,
                legRole(channel),
                linkedId != null ? linkedId : uniqueId,
                zoneSkew(uniqueIdText, times.start()));
    }

    private static boolean isDigits(String s) {
        if (s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * A uniqueid is {@code [system-]epoch.counter}: the channel's creation time, written in UTC
     * whatever the CDR's time zone. A CDR starts at or after it; the difference is null when
     * the id has no epoch.
     */
    static Long zoneSkew(String uniqueId, Instant start) {
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
