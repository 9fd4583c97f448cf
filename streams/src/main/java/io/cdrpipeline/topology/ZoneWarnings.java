package io.cdrpipeline.topology;

import io.cdrpipeline.normalize.CallRecord;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator when a source's configured time zone is probably wrong: a record whose
 * local-time stamps, read in that zone, disagree with the switch's own epoch for the same moment
 * (Asterisk's uniqueid, FreeSWITCH's {@code *_uepoch}) by more than a minute in a way only a zone
 * explains — a start before the channel existed, or an offset within a minute of a whole quarter
 * hour (Asterisk's {@code usegmtime=yes}, a server in another zone). Counted per source; logged at
 * most once a minute per source per task, with the source and the offset, never a number.
 */
final class ZoneWarnings {

    private static final Logger LOG = LoggerFactory.getLogger(ZoneWarnings.class);
    private static final long TOLERANCE_SECONDS = 60;
    private static final long QUARTER_HOUR = 900;
    private static final long LOG_EVERY_MS = 60_000;

    private final IngestMetrics metrics;
    private final Map<String, Long> lastLogged = new HashMap<>();

    ZoneWarnings(IngestMetrics metrics) {
        this.metrics = metrics;
    }

    /** Whether a skew (local stamps minus switch epoch, seconds) points at a wrong zone. */
    static boolean suspect(long skew) {
        if (skew < -TOLERANCE_SECONDS) {
            return true;
        }
        if (skew <= TOLERANCE_SECONDS) {
            return false;
        }
        long off = skew % QUARTER_HOUR;
        return off <= TOLERANCE_SECONDS || off >= QUARTER_HOUR - TOLERANCE_SECONDS;
    }

    void check(CallRecord record) {
        Long skew = record.zoneSkewSeconds();
        if (skew == null || !suspect(skew)) {
            return;
        }
        metrics.recordZoneMismatch(record.source());
        long now = System.currentTimeMillis();
        Long last = lastLogged.get(record.source());
        if (last == null || now - last >= LOG_EVERY_MS) {
            lastLogged.put(record.source(), now);
            Duration d = Duration.ofSeconds(Math.abs(skew));
            LOG.warn("source {}: local timestamps read in the configured zone are {}{}h{}m off the switch's own epoch; "
                    + "source.{}.zone is probably wrong (Asterisk usegmtime=yes writes UTC)", record.source(),
                    skew < 0 ? "-" : "+", d.toHours(), d.toMinutesPart(), record.source());
        }
    }
}
