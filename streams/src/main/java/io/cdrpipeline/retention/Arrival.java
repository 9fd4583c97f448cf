package io.cdrpipeline.retention;

import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;

/**
 * A unique CDR as the pipeline decided it when it arrived — once, from one snapshot of the key
 * ring and of the control mirrors — and as every branch downstream uses it: billing writes
 * {@link #billing}, analytics writes {@link #analytics} when there is one, and retention indexes
 * the same epoch, analytics key and subject tokens. No branch asks again (issue 21: a request or a
 * ring change between two such questions left records that no deletion would ever reach).
 *
 * @param erasedAt when the earliest erasure request naming one of its subjects was filed, or null:
 *                 an erased subject's CDR is never analysed, and one that arrived before the request
 *                 was filed is erased as it is written
 * @param held     its account is under a legal hold
 */
public record Arrival(BillingRecord billing, Pseudonymizer.Pseudonyms pseudonyms, Long erasedAt, boolean held) {

    /** Decides a CDR now. */
    public static Arrival decide(BillingRecord billing, Pseudonymizer pseudonymizer, ControlMirrors subjects) {
        Pseudonymizer.Pseudonyms p = pseudonymizer.derive(billing);
        return new Arrival(billing, p, subjects.erasedAt(p.tokens()), subjects.held(billing.getAccount()));
    }

    /** The analytics record to write: none for an erased subject, nor once its key epoch can no longer pseudonymise. */
    public AnalyticsRecord analytics() {
        return erasedAt == null ? pseudonyms.analytics() : null;
    }

    /** Whether analytics was suppressed because the subject is erased (not merely past its epoch). */
    public boolean suppressedByErasure() {
        return erasedAt != null && pseudonyms.analytics() != null;
    }
}
