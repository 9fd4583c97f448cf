package io.cdrpipeline.ops;

import io.cdrpipeline.ingest.RejectReason;
import io.cdrpipeline.retention.RetentionMetrics;
import io.cdrpipeline.schema.DataClass;
import io.cdrpipeline.topology.IngestMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import java.util.function.IntSupplier;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.streams.KafkaStreams;
import io.cdrpipeline.retention.ControlMirrors;
import java.time.Duration;

/**
 * Binds the pipeline's counters and Kafka Streams' own metrics to a Micrometer registry. Names
 * carry no record content: tags are reasons, topics and data classes, never keys or numbers.
 */
public final class PipelineMeters {

    /** Lateness buckets from a sweep interval to past the default erasure budget (14 days). */
    static final Duration[] LATENESS_BUCKETS = {Duration.ofSeconds(1), Duration.ofSeconds(10),
            Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofMinutes(15),
            Duration.ofHours(1), Duration.ofHours(6), Duration.ofDays(1),
            Duration.ofDays(3), Duration.ofDays(7), Duration.ofDays(14),
            Duration.ofDays(30)};

    /** How often Kafka's metrics are re-listed (new partitions, new clients). */
    static final Duration METRICS_REFRESH = Duration.ofSeconds(10);

    private PipelineMeters() {
    }

    /** Key-store mode: keys still on the key topic after their destruction deadline (alert: not shredded). */
    public static void bindKeyShredding(MeterRegistry registry, IntSupplier overdueKeys) {
        Gauge.builder("cdr.key.epochs.overdue", overdueKeys, IntSupplier::getAsInt)
                .description("pseudonymisation and token keys past their destruction deadline still on the key topic")
                .register(registry);
    }

    public static KafkaStreamsMetrics bind(MeterRegistry registry, KafkaStreams streams, IngestMetrics ingest,
            RetentionMetrics retention) {
        FunctionCounter.builder("cdr.records.in", ingest, IngestMetrics::read)
                .description("raw records read").register(registry);
        FunctionCounter.builder("cdr.records.accepted", ingest, IngestMetrics::accepted)
                .description("raw records parsed and normalised (before dedupe)").register(registry);
        FunctionCounter.builder("cdr.records.out", ingest, IngestMetrics::billingWritten).tag("topic", "billing")
                .description("billing records written (after dedupe)").register(registry);
        FunctionCounter.builder("cdr.records.out", ingest, IngestMetrics::pseudonymized).tag("topic", "analytics")
                .description("records written to analytics").register(registry);
        for (RejectReason r : RejectReason.values()) {
            FunctionCounter.builder("cdr.records.rejected", ingest, m -> m.rejected(r)).tag("reason", r.header())
                    .description("records sent to the rejected topic, by reason").register(registry);
        }
        FunctionCounter.builder("cdr.records.duplicates", ingest, IngestMetrics::duplicates)
                .description("copies of CDRs already retained, or already deleted (see resent.after.deletion)").register(registry);
        FunctionCounter.builder("cdr.records.resent.after.deletion", ingest, IngestMetrics::resentAfterDeletion)
                .description("copies of deleted CDRs (erased, closed, released) dropped instead of billed again; in duplicates too")
                .register(registry);
        FunctionCounter.builder("cdr.records.switch.id.reused", ingest, IngestMetrics::switchIdReused)
                .description("CDRs billed under their own key although an earlier CDR had the same switch id")
                .register(registry);
        ingest.onZoneMismatchSource(source -> FunctionCounter.builder("cdr.records.zone.suspect", ingest,
                        m -> m.zoneMismatches(source)).tag("source", source)
                .description("records whose local stamps disagree with the switch's epoch as a wrong zone would")
                .register(registry));
        FunctionCounter.builder("cdr.records.unanswered.billable", ingest, IngestMetrics::unansweredBillable)
                .description("unanswered calls whose switch logged billable seconds: billed 0, logged value kept, flagged")
                .register(registry);
        FunctionCounter.builder("cdr.records.erased.suppressed", ingest, IngestMetrics::erasedSuppressed)
                .description("new CDRs of erased subjects kept out of analytics").register(registry);
        FunctionCounter.builder("cdr.kpi.late", ingest, IngestMetrics::kpiLate)
                .description("analytics records for a KPI window already closed: counted, not re-published").register(registry);
        FunctionCounter.builder("cdr.kpi.cells", ingest, IngestMetrics::kpiPublished).tag("outcome", "published")
                .description("15-minute KPI cells, published or suppressed (fewer than k distinct callers after the ladder)")
                .register(registry);
        FunctionCounter.builder("cdr.kpi.cells", ingest, IngestMetrics::kpiSuppressed).tag("outcome", "suppressed")
                .description("15-minute KPI cells, published or suppressed (fewer than k distinct callers after the ladder)")
                .register(registry);
        for (String store : new String[] {ControlMirrors.ERASURES_STORE,
                ControlMirrors.HOLDS_STORE}) {
            FunctionCounter.builder("cdr.control.records.skipped", retention, m -> m.controlSkipped().getOrDefault(store, 0L))
                    .tag("store", store)
                    .description("records of a control topic that cannot be used (undecodable, unknown version): skipped")
                    .register(registry);
        }
        for (DataClass c : new DataClass[] {DataClass.BILLING, DataClass.ANALYTICS}) {
            FunctionCounter.builder("cdr.tombstones", retention, m -> m.deleted(c)).tag("class", c.name().toLowerCase())
                    .description("records deleted by the sweeps (tombstones written), by class").register(registry);
        }
        // A histogram, not client-side quantiles: buckets do not decay between scrapes (quantiles read 0.0
        // once a window had passed, issue 22) and they add up across instances (histogram_quantile).
        Timer lateness = Timer.builder("cdr.deletion.lateness")
                .description("how long after its window closed (or its erasure was requested) a record was deleted")
                .serviceLevelObjectives(LATENESS_BUCKETS).register(registry);
        retention.onLateness(ms -> lateness.record(ms, TimeUnit.MILLISECONDS));
        Gauge.builder("cdr.retention.index.entries", retention, RetentionMetrics::indexEntries)
                .description("retained CDRs in this instance's expiry indexes (summed over tasks; exact once each task has "
                        + "counted its index, within its first sweeps)").register(registry);
        Gauge.builder("cdr.sweep.tasks.behind", retention, RetentionMetrics::tasksBehind)
                .description("tasks whose last sweep stopped at its budget with due deletions left").register(registry);
        Gauge.builder("cdr.erasure.requests.pending", retention, RetentionMetrics::pendingErasures)
                .description("erasure requests not yet carried out (summed over tasks)").register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        // Kafka creates per-partition metrics (records-lag of each assigned partition) as partitions are
        // assigned; Micrometer picks new ones up at each refresh: every 10 s rather than its default minute,
        // so the lag of partitions an instance took over in a rebalance is visible soon after.
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kafka-metrics-refresh");
            t.setDaemon(true);
            return t;
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams, List.of(), refresher, METRICS_REFRESH);
        streamsMetrics.bindTo(registry);
        return streamsMetrics;
    }
}
