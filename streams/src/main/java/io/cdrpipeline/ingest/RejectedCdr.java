package io.cdrpipeline.ingest;

/**
 * Thrown inside an adapter when a line cannot become a CDR; caught at the parser boundary and
 * turned into a {@code ParseOutcome} value. No stack trace: rejections are expected data, and
 * filling one per bad line would make a flood of garbage expensive. The reason text never quotes
 * a field value, so it may be logged.
 */
public final class RejectedCdr extends Exception {

    private final RejectReason reason;

    public RejectedCdr(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }
}
