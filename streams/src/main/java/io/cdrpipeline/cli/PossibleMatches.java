package io.cdrpipeline.cli;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.schema.SubjectKind;
import java.util.List;

/**
 * Records a dialling plan did not recognise that may still be the subject's: a party typed
 * UNKNOWN — logged in a spelling no rule reads, such as {@code 00972…} on a US switch or a
 * prefix-code dialled before it — whose digits contain the subject's national significant number.
 * Only numbers of seven digits or more are looked for this way: a shorter one would match by chance.
 */
final class PossibleMatches {

    private static final int MIN_DIGITS = 7;
    private final String nsn;

    private PossibleMatches(String nsn) {
        this.nsn = nsn;
    }

    /** For a phone-number subject; one that matches nothing for any other kind. */
    static PossibleMatches of(SubjectOptions.Resolved subject) {
        if (subject.kind() != SubjectKind.NUMBER) {
            return new PossibleMatches(null);
        }
        String e164 = subject.input().substring(subject.input().indexOf(':') + 1);
        try {
            PhoneNumberUtil util = PhoneNumberUtil.getInstance();
            String nsn = util.getNationalSignificantNumber(util.parse(e164, "ZZ"));
            return new PossibleMatches(nsn.length() >= MIN_DIGITS ? nsn : null);
        } catch (NumberParseException e) {
            return new PossibleMatches(null);
        }
    }

    boolean matches(BillingRecord b) {
        if (nsn == null) {
            return false;
        }
        for (PartyNumber p : List.of(b.getCalling(), b.getCalled())) {
            if (p.getType() == NumberType.UNKNOWN && digits(p.getRaw() != null ? p.getRaw() : p.getNumber()).contains(nsn)) {
                return true;
            }
        }
        return false;
    }

    private static String digits(String s) {
        return s == null ? "" : s.replaceAll("[^0-9]", "");
    }
}
