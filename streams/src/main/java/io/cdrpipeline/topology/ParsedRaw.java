package io.cdrpipeline.topology;

import io.cdrpipeline.normalize.ParseOutcome;

/**
 * A parse outcome travelling with the bytes it came from, so a rejection can carry them
 * unchanged. {@code onIdentityPartition}: the raw record already sits where the pipeline's identity
 * key puts it (key and partition), so it needs no repartition to meet its resends.
 */
record ParsedRaw(ParseOutcome outcome, byte[] raw, boolean onIdentityPartition) {
}
