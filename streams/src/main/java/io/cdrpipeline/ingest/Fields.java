package io.cdrpipeline.ingest;

import java.util.function.Function;

/**
 * Typed reads of named text fields shared by the adapters, turning bad values into
 * {@link RejectedCdr} with the field's name (never its value: values are PII).
 */
final class Fields {

    private Fields() {
    }

    static String text(String value) {
        if (value == null) {
            return null;
        }
        String s = value.strip();
        return s.isEmpty() ? null : s;
    }

    /**
     * A caller's name rather than a party: letters and spaces with no address form, e.g.
     * {@code John Smith}. A number with spaces ({@code 030 1234 567}) or a SIP address is not one.
     */
    static boolean isDisplayName(String value) {
        boolean space = false;
        boolean letter = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '@' || c == '<' || c == ':') {
                return false;
            }
            space |= Character.isWhitespace(c);
            letter |= Character.isLetter(c);
        }
        return space && letter;
    }

    static Long seconds(Function<String, String> row, String field) throws RejectedCdr {
        return seconds(row.apply(field), field);
    }

    static Long seconds(String value, String field) throws RejectedCdr {
        String v = text(value);
        if (v == null) {
            return null;
        }
        try {
            // FreeSWITCH writes integers; some exports write "12.0".
            return v.indexOf('.') >= 0 ? (long) Math.floor(Double.parseDouble(v)) : Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new RejectedCdr(RejectReason.BAD_NUMBER, "field " + field + " is not a number");
        }
    }

    static Integer smallInt(Function<String, String> row, String field) throws RejectedCdr {
        Long v = seconds(row, field);
        if (v == null) {
            return null;
        }
        if (v < 0 || v > 65_535) {
            throw new RejectedCdr(RejectReason.BAD_NUMBER, "field " + field + " is out of range");
        }
        return v.intValue();
    }
}
