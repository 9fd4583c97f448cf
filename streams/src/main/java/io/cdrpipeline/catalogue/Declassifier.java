package io.cdrpipeline.catalogue;

/**
 * The processors allowed to turn personal data into another class: the only doors from billing
 * to analytics and audit, and from analytics to the anonymous KPIs. The topology names them from here, and the privacy lint trusts exactly
 * these names — a processor renamed in one place and not the other cannot slip past it.
 */
public enum Declassifier {

    /** The analytics record of a decided CDR, re-keyed by its pseudonymous id: nothing else of the CDR. */
    ANALYTICS_VIEW("analytics-view", Sensitivity.PSEUDONYMOUS),
    /** A null value under the analytics record's pseudonymous key. */
    ANALYTICS_TOMBSTONE("analytics-tombstone", Sensitivity.PSEUDONYMOUS),
    /** A null value under a fixed reserved key: nothing of the record it follows. */
    ANALYTICS_KEEP_ALIVE("analytics-keep-alive", Sensitivity.PSEUDONYMOUS),
    /**
     * The KPI aggregator: analytics records in, cells of at least k distinct callers out — counts and
     * ratios, no number, pseudonym or record id. The only door from pseudonymous to anonymous data.
     */
    KPI_AGGREGATE("kpi-aggregate", Sensitivity.ANONYMOUS),
    /** The deletion receipt: key hashes under the audit key, counts, rounded times. */
    RECEIPT("receipt", Sensitivity.AUDIT);

    private final String processorName;
    private final Sensitivity output;

    Declassifier(String processorName, Sensitivity output) {
        this.processorName = processorName;
        this.output = output;
    }

    /** The processor's name in the topology. */
    public String processorName() {
        return processorName;
    }

    /** The class its output may have although its input is PII. */
    public Sensitivity output() {
        return output;
    }
}
