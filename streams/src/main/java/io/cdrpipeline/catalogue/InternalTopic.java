package io.cdrpipeline.catalogue;

/**
 * The internal topics the topology names itself. Kafka Streams creates a repartition named
 * {@code n} as {@code <application.id>-n-repartition}, and {@code describe()} shows it as
 * {@code n-repartition}; the topology, the privacy map, the diagram and {@code retention check}
 * all take those three spellings from here.
 */
public enum InternalTopic {

    /** CDRs a producer of ours did not place, re-keyed by identity: whole billing records. */
    BY_IDENTITY("by-identity", Sensitivity.PII, "purged after each commit"),
    /** Analytics records on their way to the KPI aggregator, keyed by source and leg role: all of a window's cells meet. */
    KPI_BY_ROUTE("kpi-by-route", Sensitivity.PSEUDONYMOUS, "purged after each commit");

    private static final String REPARTITION = "-repartition";

    private final String name;
    private final Sensitivity sensitivity;
    private final String retention;

    InternalTopic(String name, Sensitivity sensitivity, String retention) {
        this.name = name;
        this.sensitivity = sensitivity;
        this.retention = retention;
    }

    /** The name given to {@code Repartitioned.withName}. */
    public String repartitionName() {
        return name;
    }

    /** The topic as {@code describe()} names it, without the application id. */
    public String describedName() {
        return name + REPARTITION;
    }

    /** The topic on the broker. */
    public String topicName(String applicationId) {
        return applicationId + "-" + describedName();
    }

    public Sensitivity sensitivity() {
        return sensitivity;
    }

    /** How long it holds a record, in the documentation's words. */
    public String retention() {
        return retention;
    }

    /** Whether a topic of the application is one of Kafka Streams' repartition topics. */
    public static boolean isRepartition(String topic) {
        return topic.endsWith(REPARTITION);
    }
}
