package io.cdrpipeline.normalize;

import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.Disposition;
import io.cdrpipeline.schema.LegRole;
import java.time.Instant;

/**
 * A validated, normalised CDR: parties read under the source's dialling plan, instants in UTC,
 * outcome normalised across switches, its record id and the switch identity it may share with
 * other CDRs ({@link RecordIds}). It holds clear numbers, so it only ever leaves the pipeline as
 * a {@link BillingRecord}; analytics see it only through the pseudonymiser.
 * {@code zoneSkewSeconds}: local stamps minus the switch's epoch, where the record has both;
 * {@code loggedBillableSeconds}: what the switch logged as billable on a call that was not answered
 * (null otherwise; {@code billableSeconds} is then 0).
 */
public record CallRecord(
        String recordId,
        String switchIdentity,
        String source,
        String account,
        ClearNumber calling,
        ClearNumber called,
        Instant start,
        Instant answer,
        Instant end,
        long durationSeconds,
        long billableSeconds,
        Long loggedBillableSeconds,
        Disposition disposition,
        String hangupCause,
        Integer q850Cause,
        LegRole legRole,
        String switchCallId,
        Long zoneSkewSeconds) {

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
                .setSwitchIdReused(false)
                .setBillableCorrected(loggedBillableSeconds != null)
                .setLoggedBillableSeconds(loggedBillableSeconds)
                .build();
    }

    /** The key of this CDR on {@code cdr.raw} and on the dedupe repartition topic. */
    public byte[] partitionKey() {
        return RecordIds.partitionKey(switchIdentity);
    }
}
