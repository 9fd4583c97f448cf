package io.cdrpipeline.normalize;

import io.cdrpipeline.ingest.DialPlan;
import io.cdrpipeline.schema.NumberType;
import java.util.Set;

/**
 * Reads the subject an operator names in {@code erase} the way the pipeline read the CDRs: any
 * spelling the pipeline accepts ({@code +447700900928}, {@code 00447700900928}, a national
 * {@code 07700900928} under a GB source's plan, {@code sip:alice@example.com}) gives the same
 * E.164 number or SIP identity, hence the same token.
 */
public final class SubjectNumbers {

    private SubjectNumbers() {
    }

    /** A plan for subjects named with no source or region: only international forms are numbers. */
    public static DialPlan internationalOnly() {
        return DialPlan.builder("ZZ").extensionMaxDigits(0).sipUserNames(false).pseudoExtensions(Set.of()).build();
    }

    /**
     * The subject as one source's switch logs it: an E.164 number or SIP identity as {@link #read},
     * else the extension or unrecognised party it is on that switch (erased there only).
     */
    public static ClearNumber readOnSource(String spelling, DialPlan plan) {
        if (spelling == null || spelling.isBlank()) {
            throw new IllegalArgumentException("the subject is empty");
        }
        ClearNumber n = NumberNormalizer.compute(spelling, plan);
        if (n.value() == null) {
            throw new IllegalArgumentException("the subject (" + spelling.strip().length() + " characters) is no party: "
                    + "withheld, blank or only a name");
        }
        return n;
    }

    /** The subject's E.164 number or SIP identity, or an exception saying why it is neither. */
    public static ClearNumber read(String spelling, DialPlan plan) {
        if (spelling == null || spelling.isBlank()) {
            throw new IllegalArgumentException("the subject is empty");
        }
        ClearNumber n = NumberNormalizer.compute(spelling, plan);
        if (n.type() == NumberType.E164 || n.type() == NumberType.SIP_IDENTITY) {
            return n;
        }
        throw new IllegalArgumentException("the subject (" + spelling.strip().length() + " characters) is neither a phone number possible "
                + "under " + (plan.region().equals("ZZ") ? "international dialling (+ or 00; a national number needs "
                + "--source or --region)" : "region " + plan.region() + "'s plan") + " nor a SIP identity (user@host)");
    }
}
