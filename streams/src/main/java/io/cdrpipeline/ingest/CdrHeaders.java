package io.cdrpipeline.ingest;

/**
 * The headers of the pipeline's byte topics, in one place. On {@code cdr.raw}: what a producer
 * (ours or anyone's) says about the bytes — their format and source — and, from our producers,
 * where they came from. On {@code cdr.rejected}: those, plus why the record was refused and where
 * it was read. Written by {@code produce}, {@code ingest} and the topology, read by the topology,
 * {@code consume} and the tests.
 */
public final class CdrHeaders {

    /** The CDR format ({@link CdrFormat#id()}); without it, the source's configured format. */
    public static final String FORMAT = "cdr.format";
    /** The switch the record came from: a configured source name. */
    public static final String SOURCE = "cdr.source";
    /** The file (or {@code http}) and the line or position the record was read at. */
    public static final String FILE = "cdr.file";
    public static final String LINE = "cdr.line";
    /** Set on a record cut to the largest size a producer sends whole: its original length. */
    public static final String TRUNCATED = "cdr.truncated";

    /** On a rejected record: the reason's class ({@link RejectReason#header()}). */
    public static final String ERROR_CLASS = "cdr.error.class";
    /** On a rejected record: the reason in words (field names, never values). */
    public static final String ERROR_REASON = "cdr.error.reason";
    /** On a rejected record: where it was read. */
    public static final String INPUT_TOPIC = "cdr.input.topic";
    public static final String INPUT_PARTITION = "cdr.input.partition";
    public static final String INPUT_OFFSET = "cdr.input.offset";

    private CdrHeaders() {
    }
}
