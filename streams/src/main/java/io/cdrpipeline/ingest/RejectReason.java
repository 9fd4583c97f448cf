package io.cdrpipeline.ingest;

/**
 * Why a raw record went to {@code cdr.rejected}; the value of its {@code cdr.error.class} header.
 * Kept coarse and stable so that ops can alert and count by it.
 */
public enum RejectReason {
    EMPTY("empty"),
    OVERSIZED("oversized"),
    NOT_TEXT("not-text"),
    UNKNOWN_FORMAT("unknown-format"),
    UNKNOWN_SOURCE("unknown-source"),
    MALFORMED("malformed"),
    COLUMN_COUNT("column-count"),
    MISSING_FIELD("missing-field"),
    BAD_TIME("bad-time"),
    BAD_NUMBER("bad-number"),
    BAD_PARTY("bad-party"),
    IMPOSSIBLE("impossible"),
    INTERNAL_ERROR("internal-error");

    private final String header;

    RejectReason(String header) {
        this.header = header;
    }

    public String header() {
        return header;
    }
}
