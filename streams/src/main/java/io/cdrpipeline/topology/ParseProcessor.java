package io.cdrpipeline.topology;

import io.cdrpipeline.normalize.CdrParser;
import io.cdrpipeline.normalize.ParseOutcome;
import io.cdrpipeline.ingest.RejectReason;
import io.cdrpipeline.normalize.RecordIds;
import io.cdrpipeline.ingest.CdrHeaders;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import io.cdrpipeline.normalize.CallRecord;
import io.cdrpipeline.config.RawPartitions;
import java.util.Arrays;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Reads each raw record through its format adapter and the normaliser; every record comes out,
 * parsed or rejected, marked placed when its key is the CDR's identity key on the partition that
 * key hashes to (records of our producers), so that only the others take the repartition hop.
 * The raw topic's partition count comes from the application config ({@link RawPartitions});
 * without it every record counts as misplaced, which is slower but never wrong.
 */
final class ParseProcessor implements FixedKeyProcessor<byte[], byte[], ParsedRaw> {

    /** Application config key (set by the app from the cluster) holding the raw topic's partition count. */

    private final Supplier<CdrParser> parsers;
    private final IngestMetrics metrics;
    private FixedKeyProcessorContext<byte[], ParsedRaw> context;
    private CdrParser parser;
    private int rawPartitions;
    private ZoneWarnings zoneWarnings;

    ParseProcessor(Supplier<CdrParser> parsers, IngestMetrics metrics) {
        this.parsers = parsers;
        this.metrics = metrics;
    }

    @Override
    public void init(FixedKeyProcessorContext<byte[], ParsedRaw> context) {
        this.context = context;
        this.parser = parsers.get();
        this.rawPartitions = RawPartitions.of(context.appConfigs()).orElse(0);
        this.zoneWarnings = new ZoneWarnings(metrics);
    }

    @Override
    public void process(FixedKeyRecord<byte[], byte[]> record) {
        metrics.recordRead();
        String format = header(record.headers(), CdrHeaders.FORMAT);
        String source = header(record.headers(), CdrHeaders.SOURCE);
        String truncated = header(record.headers(), CdrHeaders.TRUNCATED);
        ParseOutcome outcome = truncated != null
                ? ParseOutcome.rejected(RejectReason.OVERSIZED, "record of " + truncated
                        + " bytes was cut by the producer", source == null ? "unknown" : source, format)
                : parser.parse(record.value(), format, source);
        boolean onIdentityPartition = false;
        if (outcome.isRejected()) {
            metrics.recordRejected(outcome.reason());
        } else {
            metrics.recordAccepted();
            zoneWarnings.check(outcome.record());
            onIdentityPartition = onIdentityPartition(record.key(), outcome.record());
        }
        // A rejected record keeps the raw headers (they go to cdr.rejected with it); an accepted one leaves
        // them here: billing, analytics and the changelogs need none of them (file names, line numbers),
        // and each header is written again with every output record.
        FixedKeyRecord<byte[], ParsedRaw> parsed = record.withValue(new ParsedRaw(outcome, record.value(), onIdentityPartition));
        context.forward(outcome.isRejected() ? parsed : parsed.withHeaders(new RecordHeaders()));
    }

    private boolean onIdentityPartition(byte[] rawKey, CallRecord cdr) {
        if (rawPartitions <= 0 || rawKey == null || rawKey.length != 4) {
            return false;   // not an identity key: no need to compute one
        }
        byte[] identityKey = cdr.partitionKey();
        if (!Arrays.equals(rawKey, identityKey)) {
            return false;
        }
        return context.recordMetadata().map(m -> m.partition() == RecordIds.partitionOf(identityKey, rawPartitions))
                .orElse(false);
    }

    static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
