package io.cdrpipeline.retention;

import io.cdrpipeline.schema.AuditReceipt;
import io.cdrpipeline.schema.DataClass;

/** What a sweep emits: a tombstone for a billing or analytics key, or a deletion receipt for the audit topic. */
public record RetentionEvent(DataClass tombstoneFor, AuditReceipt receipt) {

    public static RetentionEvent tombstone(DataClass dataClass) {
        return new RetentionEvent(dataClass, null);
    }

    public static RetentionEvent receipt(AuditReceipt receipt) {
        return new RetentionEvent(null, receipt);
    }

    public boolean isTombstoneFor(DataClass dataClass) {
        return tombstoneFor == dataClass;
    }

    public boolean isReceipt() {
        return receipt != null;
    }
}
