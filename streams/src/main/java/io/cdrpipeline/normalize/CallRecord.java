package io.cdrpipeline.normalize;

import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;

/**
 * A validated, normalised CDR: numbers classified (E.164 where they are phone numbers), instants
 * in UTC, outcome normalised across switches. It holds clear numbers, so it only ever leaves the
 * pipeline as a {@link BillingRecord}; analytics see it only through the pseudonymiser.
 */
public record CallRecord(
        String recordId,
        String source,
        String account,
        ClearNumber calling,
        ClearNumber called,
        Instant start,
        Instant answer,
        Instant end,
        long durationSeconds,
        long billableSeconds,
        Disposition disposition,
        String hangupCause,
        Integer q850Cause,
        LegRole legRole,
        String switchCallId) {

    public BillingRecord toBilling() {
        return BillingRecord.newBuilder()
                .setRecordId(recordId)
                .setSource(source)
                .setAccount(account)
                .setCalling(calling.toParty())
                .setCalled(called.toParty())
                .setStartTime(start)
                .setAnswerTime(answer)
                .setEndTime(end)
                .setDurationSeconds(durationSeconds)
                .setBillableSeconds(billableSeconds)
                .setDisposition(disposition)
                .setHangupCause(hangupCause)
                .setQ850Cause(q850Cause)
                .setLegRole(legRole)
                .setSwitchCallId(switchCallId)
                .build();
    }
}
