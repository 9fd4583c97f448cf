package io.cdrpipeline.normalize;

import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;

/**
 * A party as the switch identified it, cleaned: PII. E.164 ({@code +4930123456}) when it is a
 * phone number, else the cleaned string (an extension, a dialplan target such as {@code s});
 * {@code value} is null when withheld. Deliberately not a String, so that it cannot slip into an
 * analytics field by accident; its {@code toString} does not show the value, so neither can a log.
 */
public record ClearNumber(NumberType type, String value) {

    public static final ClearNumber WITHHELD = new ClearNumber(NumberType.WITHHELD, null);
    public static final ClearNumber ABSENT = new ClearNumber(NumberType.UNKNOWN, null);

    public PartyNumber toParty() {
        return new PartyNumber(value, type);
    }

    @Override
    public String toString() {
        return "ClearNumber[" + type + ", " + (value == null ? "none" : value.length() + " chars") + "]";
    }
}
