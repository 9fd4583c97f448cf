package io.cdrpipeline.topology;

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
 * WIP (issue 26, not wired): aggregates analytics records into 15-minute KPI cells and publishes a
 * window's cells through {@link Disclosure} when it closes on wall-clock time — at the later of its
 * end plus {@code grace} and its first arrival plus {@code linger}, so quiet sources publish and a
 * backfill still publishes once. A record for a window already closed is counted late and dropped.
 * Hour and day roll-ups, and deleting closed-window markers, are still to come.
 */
public final class KpiProcessor implements Processor<String, AnalyticsRecord, String, KpiCell> {

    public static final String CELLS_STORE = "kpi-open-cells";
    public static final String WINDOWS_STORE = "kpi-windows";
    static final Duration QUARTER = Duration.ofMinutes(15);
    private static final long CLOSED = -1;

    private final int k;
    private final Duration grace;
    private final Duration linger;
    private ProcessorContext<String, KpiCell> context;
    private KeyValueStore<String, byte[]> cells;
    private KeyValueStore<String, Long> windows;
    private long late;

    public KpiProcessor(int k, Duration grace, Duration linger) {
        this.k = k;
        this.grace = grace;
        this.linger = linger;
    }

    @Override
    public void init(ProcessorContext<String, KpiCell> context) {
        this.context = context;
        this.cells = context.getStateStore(CELLS_STORE);
        this.windows = context.getStateStore(WINDOWS_STORE);
        context.schedule(Duration.ofMinutes(1), PunctuationType.WALL_CLOCK_TIME, this::close);
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
        if (closesAt != null && closesAt == CLOSED) {
            late++;
            return;
        }
        if (closesAt == null) {
            windows.put(window, Math.max(start + QUARTER.toMillis() + grace.toMillis(), now + linger.toMillis()));
        }
        var called = a.getCalled();
        String country = called.getCountryCode() == null ? "?" : called.getCountryCode().toString();
        String ndc = called.getDestinationCode() == null ? "" : called.getDestinationCode();
        String cellKey = window + "|" + country + "|" + ndc;
        byte[] held = cells.get(cellKey);
        CellFigures f = held == null ? new CellFigures() : CellFigures.decode(held);
        String caller = a.getCalling().getPseudonym() != null ? a.getCalling().getPseudonym()
                : "withheld:" + a.getPseudoRecordId();
        f.add(Outcome.of(a.getDisposition(), a.getQ850Cause()), a.getBillableSeconds(), caller);
        cells.put(cellKey, f.encode());
    }

    /** Closes every window due at {@code now}: its cells through the ladder, then a closed marker. */
    void close(long now) {
        List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, Long> it = windows.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> w = it.next();
                if (w.value != CLOSED && w.value <= now) {
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
                    String[] parts = c.key.substring(window.length() + 1).split("\\|", -1);
                    figures.put(new Disclosure.Cell(parts[0], parts[1]), CellFigures.decode(c.value));
                    keys.add(c.key);
                }
            }
            String[] w = window.split("\\|");
            Instant start = Instant.ofEpochMilli(Long.parseLong(w[0]));
            Disclosure.Result result = Disclosure.publish(figures, k);
            result.published().forEach((cell, f) -> context.forward(new Record<>(window + "|" + cell.country() + "|" + cell.ndc(),
                    f.toRecord(QUARTER, start, w[1], LegRole.valueOf(w[2]), cell, k), now)));
            keys.forEach(cells::delete);
            windows.put(window, CLOSED);
        }
    }

    /** Records that arrived for a window already closed (counted, not re-published). */
    public long late() {
        return late;
    }
}
