package io.cdrpipeline.ingest;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A switch timestamp as written: either absolute (epoch, or text with an offset) or a local
 * wall-clock time that only becomes an instant in the source's time zone. Local times are
 * resolved per call by {@link #resolveCall}, which uses the call's duration to pick the right
 * offset when a time falls into a DST overlap (the hour that happens twice).
 */
public record Stamp(Instant absolute, LocalDateTime local) {

    private static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    /**
     * Parses {@code yyyy-MM-dd HH:mm:ss[.fraction]}, ISO-8601 with or without offset, or epoch
     * seconds (Asterisk's {@code ${CDR(start,u)}}, with {@code f} a fraction); null when blank.
     */
    static Stamp parseText(String value, String field) throws RejectedCdr {
        String v = Fields.text(value);
        if (v == null) {
            return null;
        }
        if (isEpochSeconds(v)) {
            int dot = v.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? v : v.substring(0, dot));
            return seconds == 0 ? null : absolute(Instant.ofEpochSecond(seconds), field);
        }
        try {
            if (v.length() == 19 && v.charAt(4) == '-' && v.charAt(10) == ' ') {
                // The common Asterisk/FreeSWITCH shape; avoids a formatter pass for each of three stamps.
                return new Stamp(null, LocalDateTime.of(num(v, 0, 4), num(v, 5, 7), num(v, 8, 10),
                        num(v, 11, 13), num(v, 14, 16), num(v, 17, 19)));
            }
            String iso = v.length() > 10 && v.charAt(10) == ' ' ? v.substring(0, 10) + 'T' + v.substring(11) : v;
            if (hasOffset(iso)) {
                return absolute(OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant(), field);
            }
            return new Stamp(null, LocalDateTime.parse(iso, DateTimeFormatter.ISO_LOCAL_DATE_TIME));
        } catch (DateTimeException | NumberFormatException e) {
            throw new RejectedCdr(RejectReason.BAD_TIME, "field " + field + " is not a timestamp");
        }
    }

    /** Epoch seconds or microseconds as FreeSWITCH writes them; "0" means the event never happened. */
    static Stamp parseEpoch(String value, boolean micros, String field) throws RejectedCdr {
        String v = Fields.text(value);
        if (v == null) {
            return null;
        }
        try {
            long n = Long.parseLong(v);
            if (n == 0) {
                return null;
            }
            Instant i = micros ? Instant.EPOCH.plusNanos(Math.multiplyExact(n, 1_000L)) : Instant.ofEpochSecond(n);
            return absolute(i, field);
        } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
            throw new RejectedCdr(RejectReason.BAD_TIME, "field " + field + " is not an epoch time");
        }
    }

    static Stamp absolute(Instant instant, String field) throws RejectedCdr {
        if (instant.isBefore(EARLIEST) || !instant.isBefore(LATEST)) {
            throw new RejectedCdr(RejectReason.BAD_TIME, "field " + field + " is outside 2000..2100");
        }
        return new Stamp(instant, null);
    }

    /** The three instants of a call, resolving local stamps in {@code zone}. */
    public static CallTimes resolveCall(Stamp start, Stamp answer, Stamp end, Long duration, Long billsec,
            ZoneId zone) throws RejectedCdr {
        if (start == null) {
            throw new RejectedCdr(RejectReason.MISSING_FIELD, "no start time");
        }
        if (end == null) {
            throw new RejectedCdr(RejectReason.MISSING_FIELD, "no end time");
        }
        Instant s = null;
        Instant e = null;
        long best = Long.MAX_VALUE;
        for (Instant sc : start.candidates(zone)) {
            Instant expectedEnd = duration == null ? sc : sc.plusSeconds(duration);
            Instant ec = end.closestTo(expectedEnd, zone);
            long err = Math.abs(ec.getEpochSecond() - expectedEnd.getEpochSecond());
            if (err < best) {
                best = err;
                s = sc;
                e = ec;
            }
        }
        Instant a = null;
        if (answer != null) {
            a = answer.closestTo(billsec == null ? s : e.minusSeconds(billsec), zone);
        }
        checkRange(s, "start");
        checkRange(e, "end");
        return new CallTimes(s, a, e);
    }

    private static void checkRange(Instant i, String field) throws RejectedCdr {
        absolute(i, field);
    }

    private List<Instant> candidates(ZoneId zone) {
        if (absolute != null) {
            return List.of(absolute);
        }
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        if (offsets.isEmpty()) {
            // In a DST gap: the switch clock cannot show this, but a misconfigured one might.
            return List.of(local.atZone(zone).toInstant());
        }
        if (offsets.size() == 1) {
            return List.of(local.toInstant(offsets.get(0)));
        }
        return offsets.stream().map(local::toInstant).toList();
    }

    private Instant closestTo(Instant expected, ZoneId zone) {
        Instant best = null;
        for (Instant c : candidates(zone)) {
            if (best == null || Math.abs(c.getEpochSecond() - expected.getEpochSecond())
                    < Math.abs(best.getEpochSecond() - expected.getEpochSecond())) {
                best = c;
            }
        }
        return best;
    }

    private static boolean isEpochSeconds(String v) {
        int dot = v.indexOf('.');
        int whole = dot < 0 ? v.length() : dot;
        if (whole < 9 || whole > 11 || (whole == 1 && v.charAt(0) == '0')) {
            return v.equals("0") || v.equals("0.000000");
        }
        for (int i = 0; i < v.length(); i++) {
            if (i != dot && (v.charAt(i) < '0' || v.charAt(i) > '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean hasOffset(String iso) {
        if (iso.endsWith("Z") || iso.endsWith("z")) {
            return true;
        }
        int t = iso.indexOf('T');
        return t > 0 && (iso.indexOf('+', t) > 0 || iso.indexOf('-', t) > 0);
    }

    private static int num(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                throw new NumberFormatException("not a digit");
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    /** Resolved instants of one call; answer is null for an unanswered call. */
    public record CallTimes(Instant start, Instant answer, Instant end) {

        /** The switch's duration, or end minus start when it gave none. */
        public long durationOr(Long given) {
            return given != null ? given : end.getEpochSecond() - start.getEpochSecond();
        }

        /** The switch's billable seconds, or end minus answer (0 unanswered) when it gave none. */
        public long billableOr(Long given) {
            return given != null ? given : answer == null ? 0L : end.getEpochSecond() - answer.getEpochSecond();
        }
    }

}
