package io.cdrpipeline.ingest;

/**
 * The headers of a raw record on {@code cdr.raw}: what a producer (ours or anyone's) says about
 * the bytes — their format and source — and, from our producers, where they came from. One place
 * for the names, read by the topology and written by {@code produce} and {@code ingest}.
 */
public final class RawHeaders {

    /** The CDR format ({@link CdrFormat#id()}); without it, the source's configured format. */
    public static final String FORMAT = "cdr.format";
    /** The switch the record came from: a configured source name. */
    public static final String SOURCE = "cdr.source";
    /** The file (or {@code http}) and the line or position the record was read at. */
    public static final String FILE = "cdr.file";
    public static final String LINE = "cdr.line";
    /** Set on a record cut to the largest size a producer sends whole: its original length. */
    public static final String TRUNCATED = "cdr.truncated";

    private RawHeaders() {
    }
}
