package io.cdrpipeline.catalogue;

/** The kinds of users of the cluster, as the documentation names them (see {@code app/AclPlan}). */
public enum Role {
    PIPELINE("pipeline"),
    PRODUCER("switch producers (`produce`, `ingest`)"),
    BILLING("billing systems"),
    ANALYST("analysts"),
    OPS("privacy officer / ops");

    private final String label;

    Role(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
