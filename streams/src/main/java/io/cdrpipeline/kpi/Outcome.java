package io.cdrpipeline.kpi;

import io.cdrpipeline.schema.Disposition;

/**
 * How an attempt ended, in the classes of ITU-T E.411 (ASR) and E.425 (NER). Effective for NER:
 * answered, busy, no answer, and the terminal rejections — rejected by the called party (Q.850 21)
 * and abandoned by the caller (cancelled). Everything else — no circuit (34), congestion (42),
 * temporary failure, unknown — is a network failure.
 */
public enum Outcome {
    ANSWERED, BUSY, NO_ANSWER, REJECTED, CANCELLED, NETWORK_FAILURE;

    /** Q.850 causes that a switch logs as FAILED but that are the called party's answer. */
    private static final int USER_BUSY = 17;
    private static final int NO_USER_RESPONDING = 18;
    private static final int NO_ANSWER_FROM_USER = 19;
    private static final int CALL_REJECTED = 21;

    public static Outcome of(Disposition disposition, Integer q850) {
        return switch (disposition) {
            case ANSWERED -> ANSWERED;
            case BUSY -> BUSY;
            case NO_ANSWER -> NO_ANSWER;
            case CANCELLED -> CANCELLED;
            case FAILED, CONGESTION, UNKNOWN -> {
                if (q850 == null) {
                    yield NETWORK_FAILURE;
                }
                yield switch (q850) {
                    case USER_BUSY -> BUSY;
                    case NO_USER_RESPONDING, NO_ANSWER_FROM_USER -> NO_ANSWER;
                    case CALL_REJECTED -> REJECTED;
                    default -> NETWORK_FAILURE;
                };
            }
        };
    }

    /** Counted as effective by NER (E.425): the network delivered the call to a user's decision. */
    public boolean effective() {
        return this != NETWORK_FAILURE;
    }
}
