package io.cdrpipeline.topology;

import io.cdrpipeline.ingest.ParseOutcome;

/** A parse outcome travelling with the bytes it came from, so a rejection can carry them unchanged. */
record ParsedRaw(ParseOutcome outcome, byte[] raw) {
}
