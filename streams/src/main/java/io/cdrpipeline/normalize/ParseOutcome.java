package io.cdrpipeline.normalize;

import io.cdrpipeline.ingest.RejectReason;
import io.cdrpipeline.normalize.CallRecord;

/**
 * The result of reading one raw record: a normalised {@link CallRecord}, or the reason it was
 * rejected. Errors are values here, routed by the topology, never exceptions that stop a thread.
 */
public record ParseOutcome(CallRecord record, RejectReason reason, String detail, String source, String format) {

    public static ParseOutcome parsed(CallRecord record, String format) {
        return new ParseOutcome(record, null, null, record.source(), format);
    }

    public static ParseOutcome rejected(RejectReason reason, String detail, String source, String format) {
        return new ParseOutcome(null, reason, detail, source, format);
    }

    public boolean isRejected() {
        return reason != null;
    }
}
