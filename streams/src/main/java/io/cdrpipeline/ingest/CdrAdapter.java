package io.cdrpipeline.ingest;

/**
 * One switch format. An adapter turns one record's text into a {@link SwitchCdr} or says why it
 * cannot; it never validates business rules (that is the normaliser's job) and never throws
 * anything but {@link RejectedCdr}. Instances hold reusable parsers and are not thread-safe:
 * each stream task gets its own.
 */
public interface CdrAdapter {

    CdrFormat format();

    SwitchCdr parse(String text, SourceSettings source) throws RejectedCdr;
}
