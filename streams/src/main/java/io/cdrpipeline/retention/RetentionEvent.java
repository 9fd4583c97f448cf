package io.cdrpipeline.retention;

import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;

/**
 * What a sweep emits: a tombstone for a billing or analytics key, a deletion receipt for the audit
 * topic, or a keep-alive for every output partition ({@link KeepAlive}).
 */
public record RetentionEvent(DataClass tombstoneFor, AuditReceipt receipt, boolean isKeepAlive) {

    private static final RetentionEvent KEEP_ALIVE = new RetentionEvent(null, null, true);

    public static RetentionEvent tombstone(DataClass dataClass) {
        return new RetentionEvent(dataClass, null, false);
    }

    public static RetentionEvent receipt(AuditReceipt receipt) {
        return new RetentionEvent(null, receipt, false);
    }

    public static RetentionEvent keepAlive() {
        return KEEP_ALIVE;
    }

    public boolean isTombstoneFor(DataClass dataClass) {
        return tombstoneFor == dataClass;
    }

    public boolean isReceipt() {
        return receipt != null;
    }
}
