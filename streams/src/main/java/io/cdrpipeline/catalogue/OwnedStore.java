package io.cdrpipeline.catalogue;

/** The pipeline's state stores: what each holds, and how long (the privacy map's labels of stores). */
public enum OwnedStore {
    EXPIRY_INDEX("expiry-index", Sensitivity.PII, "until the record's deletion (also the dedupe store)"),
    SUBJECT_INDEX("subject-index", Sensitivity.PSEUDONYMOUS, "until the record's deletion (local, derived)"),
    HELD_INDEX("held-index", Sensitivity.PII, "until the hold is released"),
    DELETION_LEDGER("deletion-ledger", Sensitivity.AUDIT,
            "keyed hashes of deleted records' ids, until a resend of one could no longer be billed"),
    RETENTION_META("retention-meta", Sensitivity.PII,
            "sweep cursors (a record id where a step stopped), policy version, request ids"),
    LEGAL_HOLDS("legal-holds", Sensitivity.PII, "mirrors its topic"),
    ERASURE_REQUESTS("erasure-requests", Sensitivity.PSEUDONYMOUS, "mirrors its topic"),
    KPI_OPEN_CELLS("kpi-open-cells", Sensitivity.PSEUDONYMOUS,
            "figures and caller pseudonyms of open 15-minute KPI cells, until the window closes (minutes)"),
    KPI_ROLLUPS("kpi-rollups", Sensitivity.PSEUDONYMOUS,
            "published 15-minute cells (their callers included) summed per hour and day, until the day closes"),
    KPI_WINDOWS("kpi-windows", Sensitivity.ANONYMOUS,
            "when each KPI window closes; closed markers for the KPI topic's window");

    private final String storeName;
    private final Sensitivity sensitivity;
    private final String retention;

    OwnedStore(String storeName, Sensitivity sensitivity, String retention) {
        this.storeName = storeName;
        this.sensitivity = sensitivity;
        this.retention = retention;
    }

    public String storeName() {
        return storeName;
    }

    public Sensitivity sensitivity() {
        return sensitivity;
    }

    public String retention() {
        return retention;
    }
}
