package io.cdrpipeline.cli;

import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.catalogue.Role;
import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.kpi.KpiTable;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.schema.KpiCell;
import io.cdrpipeline.topology.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Prints the latest published KPI cells of {@code cdr.kpi} as a table (what an analyst, or an
 * operator, looks at first): per window size the newest windows, one row per cell.
 */
@Command(name = "kpi", mixinStandardHelpOptions = true,
        description = "Print the latest published cells of cdr.kpi (ASR, NER, ACD per source, leg role and destination) "
                + "as a table, read_committed. Cells have at least kpi.k distinct callers; see docs/analytics.md.")
final class KpiCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions kafka;

    @Option(names = "--window", paramLabel = "SIZE", description = "15m, 1h, 1d or all (default: all).")
    String window = "all";

    @Option(names = "--windows", paramLabel = "N", description = "The newest N windows of each size (default: 1).")
    int windows = 1;

    @Option(names = "--source", paramLabel = "SOURCE", description = "Only this source (switch).")
    String source;

    @Override
    public Integer call() {
        String size = switch (window.toLowerCase(Locale.ROOT)) {
            case "15m" -> "PT15M";
            case "1h" -> "PT1H";
            case "1d" -> "P1D";
            case "all" -> null;
            default -> throw new IllegalArgumentException("--window: '" + window + "' is not one of 15m, 1h, 1d, all");
        };
        if (windows < 1) {
            throw new IllegalArgumentException("--windows must be at least 1");
        }
        PipelineConfig config = kafka.loadFor(Role.ANALYST, OwnedTopic.KPI);
        var serde = Topics.kpiSerde();
        List<KpiCell> cells = new ArrayList<>();
        int[] skipped = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.consumer(config),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicReader.readWhole(consumer, config.topic(OwnedTopic.KPI), r -> {
                if (r.value() == null || KeepAlive.isKeepAlive(r.key())) {
                    return;
                }
                try {
                    KpiCell c = serde.decode(r.value());
                    if ((size == null || c.getWindowSize().equals(size)) && (source == null || c.getSource().equals(source))) {
                        cells.add(c);
                    }
                } catch (RuntimeException e) {
                    skipped[0]++;
                }
            });
        }
        List<KpiCell> latest = KpiTable.latest(cells, windows);
        if (latest.isEmpty()) {
            System.out.println("no published cells" + (source == null ? "" : " for source " + source)
                    + (size == null ? "" : " of window " + window) + " in " + config.topic(OwnedTopic.KPI)
                    + " (a window publishes when it closes: its end + kpi.grace)");
        } else {
            System.out.print(KpiTable.render(latest));
        }
        if (skipped[0] > 0) {
            System.err.printf("%,d records of %s could not be decoded as KpiCell: skipped%n", skipped[0],
                    config.topic(OwnedTopic.KPI));
        }
        return 0;
    }
}
