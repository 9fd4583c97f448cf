package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;

/**
 * What an adapter read from one switch record, before normalisation: parties are still the
 * switch's raw strings and nothing has been validated beyond syntax. {@code switchId} is the
 * switch's own id for the CDR (Asterisk uniqueid, FreeSWITCH uuid, the canonical id; cleaned by
 * {@link SwitchIds}) or null when it gave none; {@code sequence} is Asterisk's CDR sequence
 * where the backend logs it. {@code identityFacts} are the immutable call facts as logged (times,
 * parties, channels, outcome), from which two CDRs sharing a switch id are told apart.
 * {@code zoneSkewSeconds} is how far the local-time stamps, read in the configured zone, are from
 * the switch's own epoch for the same moment (null when the record carries no epoch).
 */
public record SwitchCdr(
        String switchId,
        String sequence,
        String identityFacts,
        String account,
        String callingRaw,
        String calledRaw,
        Instant start,
        Instant answer,
        Instant end,
        Long durationSeconds,
        Long billableSeconds,
        Disposition disposition,
        String hangupCause,
        Integer q850Cause,
        LegRole legRole,
        String switchCallId,
        Long zoneSkewSeconds) {

    /** Joins raw field values into the identity facts (a separator no CSV value holds). */
    static String facts(String... values) {
        StringBuilder sb = new StringBuilder(128);
        for (String v : values) {
            sb.append(v == null ? "" : v.strip()).append('\u001f');
        }
        return sb.toString();
    }
}
