package io.cdrpipeline.normalize;

import io.cdrpipeline.ingest.DialPlan;
import io.cdrpipeline.ingest.RejectReason;
import io.cdrpipeline.ingest.RejectedCdr;
import io.cdrpipeline.ingest.SourceSettings;
import io.cdrpipeline.ingest.SwitchCdr;
import io.cdrpipeline.schema.Disposition;
import java.util.EnumSet;
import java.util.Set;

/**
 * Validates what an adapter read and normalises it into a {@link CallRecord}. Structurally
 * impossible records are rejected: end before start, answer outside the call, negative or
 * inconsistent durations, a party too long to be one. Parties are read under the source's
 * {@link DialPlan}; the record id follows {@link RecordIds}. Not thread-safe (reuses a digest).
 */
public final class Normalizer {

    /** Outcomes of a call nobody answered: no billable time, whatever was logged. */
    private static final Set<Disposition> UNANSWERED = EnumSet.of(Disposition.NO_ANSWER,
            Disposition.BUSY, Disposition.FAILED, Disposition.CONGESTION, Disposition.CANCELLED);
    /** Seconds of rounding a switch may show between billsec and duration. */
    private static final long ROUNDING_SECONDS = 1;

    private final NumberNormalizer numbers;
    private final RecordIds ids = new RecordIds();

    public Normalizer(NumberNormalizer numbers) {
        this.numbers = numbers;
    }

    public CallRecord normalize(SwitchCdr cdr, SourceSettings source, String line) throws RejectedCdr {
        long duration = cdr.durationSeconds() != null ? cdr.durationSeconds()
                : cdr.end().getEpochSecond() - cdr.start().getEpochSecond();
        long billsec = cdr.billableSeconds() != null ? cdr.billableSeconds() : 0L;
        if (cdr.end().isBefore(cdr.start())) {
            throw new RejectedCdr(RejectReason.IMPOSSIBLE, "end time before start time");
        }
        if (cdr.answer() != null && (cdr.answer().isBefore(cdr.start()) || cdr.answer().isAfter(cdr.end()))) {
            throw new RejectedCdr(RejectReason.IMPOSSIBLE, "answer time outside the call");
        }
        if (duration < 0 || billsec < 0) {
            throw new RejectedCdr(RejectReason.IMPOSSIBLE, "negative duration");
        }
        if (billsec > duration + ROUNDING_SECONDS) {
            throw new RejectedCdr(RejectReason.IMPOSSIBLE, "billable seconds exceed duration");
        }
        ClearNumber calling = party(cdr.callingRaw(), "calling", source);
        ClearNumber called = party(cdr.calledRaw(), "called", source);
        String recordId = ids.recordId(cdr, source.name(), line);
        // A call that was not answered bills nothing, whatever a forked or Local/ channel logged; what it
        // logged is kept beside, flagged, so that a rating engine cannot bill it by accident.
        Long loggedBillable = null;
        if (billsec > 0 && UNANSWERED.contains(cdr.disposition())) {
            loggedBillable = billsec;
            billsec = 0;
        }
        return new CallRecord(
                recordId,
                RecordIds.switchIdentity(cdr, source.name(), recordId),
                source.name(),
                cdr.account(),
                calling == null ? ClearNumber.ABSENT : calling,
                called == null ? ClearNumber.ABSENT : called,
                cdr.start(), cdr.answer(), cdr.end(),
                duration, billsec, loggedBillable,
                cdr.disposition(), cdr.hangupCause(), cdr.q850Cause(), cdr.legRole(), cdr.switchCallId(),
                cdr.zoneSkewSeconds());
    }

    private ClearNumber party(String raw, String which, SourceSettings source) throws RejectedCdr {
        if (raw != null && raw.length() > NumberNormalizer.MAX_PARTY_LENGTH) {
            throw new RejectedCdr(RejectReason.BAD_PARTY, which + " party is longer than "
                    + NumberNormalizer.MAX_PARTY_LENGTH + " characters");
        }
        return numbers.normalize(raw, source.plan());
    }
}
