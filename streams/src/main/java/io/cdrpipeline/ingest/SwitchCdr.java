package io.cdrpipeline.ingest;

import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;

/**
 * What an adapter read from one switch record, before normalisation: numbers are still the
 * switch's raw strings and nothing has been validated beyond syntax. {@code uniqueId} is the
 * switch's own record id (Asterisk uniqueid[:sequence], FreeSWITCH uuid) or null when it gave none.
 */
public record SwitchCdr(
        String uniqueId,
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
        String switchCallId) {
}
