package io.cdrpipeline.normalize;

import io.cdrpipeline.ingest.RejectReason;
import io.cdrpipeline.ingest.RejectedCdr;
import io.cdrpipeline.ingest.SourceSettings;
import io.cdrpipeline.ingest.SwitchCdr;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Validates what an adapter read and normalises it into a {@link CallRecord}. Structurally
 * impossible records are rejected: end before start, answer outside the call, negative or
 * inconsistent durations. The record id is {@code source:switch-unique-id}, or — when the switch
 * gives none — {@code source:} plus a SHA-256 digest of the source and the line, so that a resent
 * line gets the same id and is deduplicated. Not thread-safe (reuses a digest).
 */
public final class Normalizer {

    /** Seconds of rounding a switch may show between billsec and duration. */
    private static final long ROUNDING_SECONDS = 1;

    private final NumberNormalizer numbers;
    private final MessageDigest sha256;

    public Normalizer(NumberNormalizer numbers) {
        this.numbers = numbers;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    public CallRecord normalize(SwitchCdr cdr, SourceSettings source, String line) throws RejectedCdr {
        long duration = cdr.durationSeconds() != null ? cdr.durationSeconds()
                : cdr.end().getEpochSecond() - cdr.start().getEpochSecond();
        long billsec = cdr.billableSeconds() != null ? cdr.billableSeconds() : 0L;
        if (cdr.end().isBefore(cdr.start())) {
            throw new RejectedCdr(RejectReason.IMPOSSIBLE, "end time before start time");
        }
        if (cdr.answer() != null && (cdr.answer().isBefore(cdr.start()) || cdr.answer().isAfter(cdr.end()))) {
            throw new RejectedCdr(RejectReason.IMPOSSIBLE, "answer time outside the call");
        }
        if (duration < 0 || billsec < 0) {
            throw new RejectedCdr(RejectReason.IMPOSSIBLE, "negative duration");
        }
        if (billsec > duration + ROUNDING_SECONDS) {
            throw new RejectedCdr(RejectReason.IMPOSSIBLE, "billable seconds exceed duration");
        }
        ClearNumber calling = numbers.normalize(cdr.callingRaw(), source.region(), source.extensionMaxDigits());
        ClearNumber called = numbers.normalize(cdr.calledRaw(), source.region(), source.extensionMaxDigits());
        return new CallRecord(
                recordId(cdr, source, line),
                source.name(),
                cdr.account(),
                calling == null ? ClearNumber.WITHHELD : calling,
                called == null ? ClearNumber.ABSENT : called,
                cdr.start(), cdr.answer(), cdr.end(),
                duration, billsec,
                cdr.disposition(), cdr.hangupCause(), cdr.q850Cause(), cdr.legRole(), cdr.switchCallId());
    }

    private String recordId(SwitchCdr cdr, SourceSettings source, String line) {
        if (cdr.uniqueId() != null) {
            return source.name() + ':' + cdr.uniqueId();
        }
        sha256.reset();
        sha256.update(source.name().getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) '\n');
        byte[] digest = sha256.digest(line.strip().getBytes(StandardCharsets.UTF_8));
        return source.name() + ":sha256:" + HexFormat.of().formatHex(digest, 0, 16);
    }
}
