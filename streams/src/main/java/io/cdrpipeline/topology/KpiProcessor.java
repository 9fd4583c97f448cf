package io.cdrpipeline.topology;

import io.cdrpipeline.catalogue.OwnedStore;
import io.cdrpipeline.kpi.CellFigures;
import io.cdrpipeline.kpi.Disclosure;
import io.cdrpipeline.kpi.Outcome;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.KpiCell;
import io.cdrpipeline.schema.LegRole;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The only door from pseudonymous to anonymous data ({@code Declassifier.KPI}): aggregates analytics records into 15-minute KPI cells and publishes a
 * window's cells through {@link Disclosure} when it closes on wall-clock time — at the later of its
 * end plus {@code grace} and its first arrival plus {@code linger}, so quiet sources publish and a
 * backfill still publishes once. Hours and days are the sums of their quarters' published cells
 * ({@link Disclosure#rollUp}), closed once their end plus grace — and {@code linger} after their
 * latest quarter opened — has passed and none of their quarters is open; a quarter of a closed hour
 * or day can no longer open. A record for a closed window is
 * counted late and dropped; closed-window markers are kept for {@code keepClosed} (the KPI topic's
 * window), and a record older than that is late too — nothing is ever published twice.
 */
public final class KpiProcessor implements Processor<String, AnalyticsRecord, String, KpiCell> {

    public static final String CELLS_STORE = OwnedStore.KPI_OPEN_CELLS.storeName();
    public static final String WINDOWS_STORE = OwnedStore.KPI_WINDOWS.storeName();
    public static final String ROLLUPS_STORE = OwnedStore.KPI_ROLLUPS.storeName();
    static final List<Duration> LONGER = List.of(Duration.ofHours(1), Duration.ofDays(1));
    static final Duration QUARTER = Duration.ofMinutes(15);
    private static final long CLOSED = -1;

    /** Between a cell's key and one of its callers' (key epoch, separator, pseudonym): neither byte is in a cell's key. */
    private static final String MEMBER = "|\u0001";
    private static final String EPOCH = "\u0000";
    /** The country of a rest-of-the-world cell that stands for suppressed calls (never a calling code). */
    static final String SUPPRESSED = "!";

    private final int k;
    private final Duration grace;
    private final Duration linger;
    private final Duration keepClosed;
    private final Duration tick;
    private final IngestMetrics metrics;
    private KeyValueStore<String, byte[]> rollups;
    private ProcessorContext<String, KpiCell> context;
    private KeyValueStore<String, byte[]> cells;
    private KeyValueStore<String, Long> windows;

    /**
     * @param tick how often windows are checked on wall-clock time (the sweep interval)
     * @param keepClosed how long closed-window markers are kept (the KPI topic's window): older records are late
     */
    public KpiProcessor(int k, Duration grace, Duration linger, Duration keepClosed, Duration tick, IngestMetrics metrics) {
        this.k = k;
        this.grace = grace;
        this.linger = linger;
        this.keepClosed = keepClosed;
        this.tick = tick;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, KpiCell> context) {
        this.context = context;
        this.cells = context.getStateStore(CELLS_STORE);
        this.windows = context.getStateStore(WINDOWS_STORE);
        this.rollups = context.getStateStore(ROLLUPS_STORE);
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, this::close);
    }

    @Override
    public void process(Record<String, AnalyticsRecord> record) {
        AnalyticsRecord a = record.value();
        if (a == null) {
            return;
        }
        long start = a.getStartMinute().toEpochMilli() / QUARTER.toMillis() * QUARTER.toMillis();
        String window = start + "|" + a.getSource() + "|" + a.getLegRole();
        Long closesAt = windows.get(window);
        long now = context.currentSystemTimeMs();
        if (closesAt != null && closesAt == CLOSED || closesAt == null && start + keepClosed.toMillis() < now) {
            metrics.recordKpiLate();
            return;
        }
        if (closesAt == null) {
            windows.put(window, Math.max(start + QUARTER.toMillis() + grace.toMillis(), now + linger.toMillis()));
            // Its hour and day stay open at least as long: a backfill's next quarters still find them open.
            for (Duration size : LONGER) {
                String longer = size + "|" + floor(start, size) + "|" + a.getSource() + "|" + a.getLegRole();
                Long held = windows.get(longer);
                long due = Math.max(floor(start, size) + size.toMillis() + grace.toMillis(), now + linger.toMillis());
                windows.put(longer, held == null ? due : Math.max(held, due));
            }
        }
        var called = a.getCalled();
        String country = called.getCountryCode() == null ? "?" : called.getCountryCode().toString();
        String ndc = called.getDestinationCode() == null ? "" : called.getDestinationCode();
        String cellKey = window + "|" + country + "|" + ndc;
        byte[] held = cells.get(cellKey);
        CellFigures f = held == null ? new CellFigures() : CellFigures.decode(held);
        f.count(Outcome.of(a.getDisposition(), a.getQ850Cause()), a.getBillableSeconds());
        cells.put(cellKey, f.encode());
        // Each caller once, as a key of its own: a record costs the same whether its cell has 5 callers or 50,000.
        String caller = a.getCalling().getPseudonym();
        if (caller != null) {
            String member = cellKey + MEMBER + a.getKeyEpoch() + EPOCH + caller;
            if (cells.get(member) == null) {
                cells.put(member, new byte[0]);
            }
        }
    }

    /** Closes every window due at {@code now}: its cells through the ladder, then a closed marker. */
    void close(long now) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = windows.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> w = it.next();
                if (!w.key.startsWith("P") && w.value != CLOSED && w.value <= now) {
                    due.add(w.key);
                }
            }
        }
        for (String window : due) {
            Map<Disclosure.Cell, CellFigures> figures = new LinkedHashMap<>();
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = cells.prefixScan(window + "|",
                    new org.apache.kafka.common.serialization.StringSerializer())) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> c = it.next();
                    String rest = c.key.substring(window.length() + 1);
                    int member = rest.indexOf(MEMBER);
                    String[] parts = (member < 0 ? rest : rest.substring(0, member)).split("\\|", -1);
                    CellFigures f = figures.computeIfAbsent(new Disclosure.Cell(parts[0], parts[1]), x -> new CellFigures());
                    if (member < 0) {
                        f.addAll(CellFigures.decode(c.value));
                    } else {
                        String[] caller = rest.substring(member + MEMBER.length()).split(EPOCH, 2);
                        f.addCaller(caller[0], caller[1]);
                    }
                    keys.add(c.key);
                }
            }
            String[] w = window.split("\\|");
            Instant start = Instant.ofEpochMilli(Long.parseLong(w[0]));
            Disclosure.Result result = Disclosure.publish(figures, k);
            metrics.recordKpiCells(result.published().size(), result.suppressedCells());
            Map<Disclosure.Cell, CellFigures> out = new LinkedHashMap<>(result.published());
            if (result.suppressedAttempts() > 0) {
                out.put(new Disclosure.Cell(SUPPRESSED, ""), new CellFigures());
            }
            out.forEach((cell, f) -> {
                context.forward(new Record<>(QUARTER + "|" + window + "|" + cell.country() + "|" + cell.ndc(),
                        published(f, QUARTER, start, w[1], w[2], cell), now));
                for (Duration size : LONGER) {
                    String longer = size + "|" + floor(start.toEpochMilli(), size) + "|" + w[1] + "|" + w[2];
                    String key = longer + "|" + cell.country() + "|" + cell.ndc();
                    byte[] held = rollups.get(key);
                    CellFigures sum = held == null ? new CellFigures() : CellFigures.decode(held);
                    sum.addAll(f);
                    rollups.put(key, sum.encode());
                }
            });
            keys.forEach(cells::delete);
            windows.put(window, CLOSED);
        }
        closeLonger(now);
        purge(now);
    }

    /** Hours and days whose end plus grace has passed and none of whose quarters is open. */
    private void closeLonger(long now) {
        Map<String, Long> all = new LinkedHashMap<>();
        try (KeyValueIterator<String, Long> it = windows.all()) {
            it.forEachRemaining(kv -> all.put(kv.key, kv.value));
        }
        for (Map.Entry<String, Long> e : all.entrySet()) {
            String[] w = e.getKey().split("\\|");
            if (!e.getKey().startsWith("P") || e.getValue() == CLOSED || e.getValue() > now) {
                continue;
            }
            Duration size = Duration.parse(w[0]);
            long start = Long.parseLong(w[1]);
            String group = "|" + w[2] + "|" + w[3];
            boolean quarterOpen = false;
            for (long q = start; q < start + size.toMillis(); q += QUARTER.toMillis()) {
                Long state = all.get(q + group);
                if (state != null && state != CLOSED) {
                    quarterOpen = true;
                }
            }
            if (quarterOpen) {
                continue;
            }
            List<String> keys = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = rollups.prefixScan(e.getKey() + "|",
                    new org.apache.kafka.common.serialization.StringSerializer())) {
                while (it.hasNext()) {
                    KeyValue<String, byte[]> c = it.next();
                    String[] cell = c.key.substring(e.getKey().length() + 1).split("\\|", -1);
                    context.forward(new Record<>(c.key, published(CellFigures.decode(c.value), size, Instant.ofEpochMilli(start),
                            w[2], w[3], new Disclosure.Cell(cell[0], cell[1])), now));
                    keys.add(c.key);
                }
            }
            keys.forEach(rollups::delete);
            windows.put(e.getKey(), CLOSED);
            // What has not opened by now never will: its calls would be in no published hour or day.
            for (long q = start; q < start + size.toMillis(); q += QUARTER.toMillis()) {
                if (all.get(q + group) == null) {
                    windows.put(q + group, CLOSED);
                }
            }
        }
    }

    /** Closed markers older than keepClosed go (records that old are late anyway). */
    private void purge(long now) {
        List<String> old = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = windows.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> w = it.next();
                String[] parts = w.key.split("\\|");
                long start = Long.parseLong(w.key.startsWith("P") ? parts[1] : parts[0]);
                if (w.value == CLOSED && start + keepClosed.toMillis() < now) {
                    old.add(w.key);
                }
            }
        }
        old.forEach(windows::delete);
    }

    /** A cell as published; the suppressed marker as a world-rest cell with figures 0 and the reason. */
    private KpiCell published(CellFigures f, Duration size, Instant start, String source, String legRole, Disclosure.Cell cell) {
        if (!cell.country().equals(SUPPRESSED)) {
            return f.toRecord(size, start, source, LegRole.valueOf(legRole), cell, k);
        }
        KpiCell marker = f.toRecord(size, start, source, LegRole.valueOf(legRole), new Disclosure.Cell(Disclosure.REST, ""), k);
        marker.setSuppressed(size.equals(QUARTER)
                ? "calls whose cells and rests had fewer than k = " + k + " distinct callers: suppressed"
                : "calls suppressed in its 15-minute windows are in no longer window");
        return marker;
    }

    private static long floor(long millis, Duration size) {
        return millis / size.toMillis() * size.toMillis();
    }
}
