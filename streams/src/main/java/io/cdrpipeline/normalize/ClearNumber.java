package io.cdrpipeline.normalize;

import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;

/**
 * A party as the switch identified it: PII. {@code value} is what identifies the subject — E.164
 * ({@code +4930123456}) for a phone number, {@code user@host} for a SIP identity, otherwise the
 * party as logged — and is null when withheld or absent; {@code raw} is the party exactly as the
 * switch logged it (a display name in front of {@code <...>} dropped, nothing else removed);
 * {@code knownRange} says, for E.164 only, whether libphonenumber's metadata lists the range.
 * Deliberately not a String, so that it cannot slip into an analytics field by accident; its
 * {@code toString} does not show the value, so neither can a log.
 */
public record ClearNumber(NumberType type, String value, String raw, Boolean knownRange) {

    /** No party logged at all: blank, or only a display name. The same for calling and called, in every format. */
    public static final ClearNumber ABSENT = new ClearNumber(NumberType.NONE, null, null, null);

    public ClearNumber(NumberType type, String value) {
        this(type, value, value, null);
    }

    public static ClearNumber withheld(String raw) {
        return new ClearNumber(NumberType.WITHHELD, null, raw, null);
    }

    public PartyNumber toParty() {
        return new PartyNumber(value, type, raw, knownRange);
    }

    @Override
    public String toString() {
        return "ClearNumber[" + type + ", " + (value == null ? "none" : value.length() + " chars")
                + (knownRange == null ? "" : knownRange ? ", known range" : ", unlisted range") + "]";
    }
}
