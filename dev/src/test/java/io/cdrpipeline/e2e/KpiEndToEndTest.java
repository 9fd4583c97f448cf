package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cdrpipeline.app.PipelineApp;
import io.cdrpipeline.app.TopicAdmin;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.demo.TrafficGenerator;
import io.cdrpipeline.produce.CdrFiles;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.RawProducer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.retention.KeepAlive;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.AnalyticsRecord;
import io.cdrpipeline.schema.BillingRecord;
import io.cdrpipeline.schema.KpiCell;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.PartyNumber;
import io.cdrpipeline.testing.Pipelines;
import io.cdrpipeline.testing.Prerequisite;
import io.cdrpipeline.topology.TopicSpecs;
import io.cdrpipeline.topology.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 26's acceptance on a real broker. A quiet switch logs eight calls of the quarter that just
 * ended and then nothing more, from anyone: its window is published when its end plus grace passes
 * on the wall clock. Then the demo's traffic (the bundled samples and 5,000 synthetic CDRs): every
 * published cell of {@code cdr.kpi} — quarters, hours, days — equals what the test computes itself
 * from {@code cdr.billing} (clear numbers, the definitions and ladder); no cell has fewer than
 * k distinct callers; and no number, pseudonym or record id is in the topic's records or its files.
 */
class KpiEndToEndTest {

    private static final Path WORK = Path.of("target", "e2e-kpi-" + System.nanoTime()).toAbsolutePath();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final long QUARTER = Duration.ofMinutes(15).toMillis();
    private static final int K = 5;

    @Test
    void cellsEqualAnIndependentComputationFromBillingAndAQuietSourcesWindowClosesOnTime() throws Exception {
        Instant t0 = Instant.now();
        Instant quietEnd = Instant.ofEpochMilli(t0.toEpochMilli() / QUARTER * QUARTER);
        // The grace that makes the quarter that just ended close 40 s from now: long enough that the pipeline
        // starts and the calls arrive before it, so what closes the window is the wall clock, not an arrival.
        Duration grace = Duration.between(quietEnd, t0.plusSeconds(40));
        try (EmbeddedKafka kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of())) {
            Map<String, String> settings = new HashMap<>(SampleCorpus.sourceSettings());
            settings.put("bootstrap.servers", kafka.bootstrapServers());
            settings.put("application.id", "cdr-kpi");
            settings.put("state.dir", WORK.resolve("state").toString());
            settings.put("source.pbx-quiet.format", "asterisk-csv");
            settings.put("source.pbx-quiet.region", "DE");
            settings.put("source.pbx-quiet.zone", "UTC");
            settings.put("kpi.grace", grace.toMillis() + "ms");
            settings.put("kpi.linger", "3s");
            // The samples date from 2016: KPI windows kept 20 years, so none of their calls is late.
            Path policyFile = Files.writeString(Files.createDirectories(WORK).resolve("policy.yaml"),
                    "version: 1\nsweep-interval: 1s\nwindows: {billing: 7300d, analytics: 7300d, kpi: 7300d}\n");
            settings.put("retention.policy.file", policyFile.toString());
            PipelineConfig config = PipelineConfig.of(settings);
            RetentionPolicy policy = RetentionPolicy.load(policyFile);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                TopicAdmin.apply(admin, TopicSpecs.all(config, policy));
            }
            try (PipelineApp app = Pipelines.app(config, KeyRing.random("kpi", Instant.EPOCH), policy)) {
                app.start();
                app.awaitRunning(Duration.ofSeconds(60));

                // 1. A quiet source: six callers to Berlin, two to Munich, in the quarter that just ended.
                try (RawProducer producer = new RawProducer(config)) {
                    for (int i = 0; i < 8; i++) {
                        producer.send(quietCall(i, quietEnd.minusSeconds(600 - 30L * i)), CdrFormat.ASTERISK_CSV,
                                "pbx-quiet", null, 0);
                    }
                    producer.flush();
                }
                Instant closesAt = quietEnd.plus(grace);
                List<ConsumerRecord<byte[], byte[]>> quiet = new ArrayList<>();
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    quiet.clear();
                    readKpi(kafka, r -> {
                        if (Topics.kpiSerde().decode(r.value()).getWindowSize().equals("PT15M")) {
                            quiet.add(r);
                        }
                    });
                    return quiet.size() >= 2;
                });
                assertThat(Instant.now()).as("nothing arrived since, from any source").isAfter(closesAt);
                List<KpiCell> quietCells = quiet.stream().map(r -> Topics.kpiSerde().decode(r.value())).toList();
                assertThat(quietCells).extracting(KpiCell::getSource).containsOnly("pbx-quiet");
                // (When the quarter ends an hour or a day, those close with it: their cells are checked no differently.)
                assertThat(quietCells).filteredOn(c -> c.getSuppressed() == null).singleElement().satisfies(c -> {
                    assertThat(c.getWindowSize()).isEqualTo("PT15M");
                    assertThat(c.getWindowStart()).isEqualTo(quietEnd.minus(Duration.ofMinutes(15)));
                    assertThat(KpiCellKey.of(c)).isEqualTo("49/30");
                    assertThat(c.getAttempts()).isEqualTo(6);
                    assertThat(c.getDistinctCallers()).isEqualTo(6);
                });
                assertThat(quietCells).filteredOn(c -> c.getSuppressed() != null).singleElement()
                        .satisfies(c -> assertThat(c.getAttempts()).as("Munich's two callers: not even a count").isZero());
                for (ConsumerRecord<byte[], byte[]> r : quiet) {
                    assertThat(Instant.ofEpochMilli(r.timestamp())).as("published when end + grace passed, not before")
                            .isAfterOrEqualTo(closesAt.minusSeconds(1)).isBefore(closesAt.plusSeconds(15));
                }

                // 2. The demo's traffic: every format's samples, then 5,000 synthetic CDRs.
                try (RawProducer producer = new RawProducer(config)) {
                    for (SampleCorpus.SampleFile f : SampleCorpus.files()) {
                        CdrFiles.split(f.bytes(), f.format(), p -> producer.send(p.bytes(), f.format(), f.source(), f.path(),
                                p.position()));
                    }
                    TrafficGenerator generator = new TrafficGenerator(42, 2_000, 1.1, 0.02, 0.005);
                    for (int i = 0; i < 5_000; i++) {
                        producer.send(generator.next(), CdrFormat.ASTERISK_CSV, "pbx-synth", null, 0);
                    }
                    producer.flush();
                }
                // Done when billing is complete and every (source, leg role, day) billed has published its day.
                Map<String, BillingRecord> billing = new HashMap<>();
                List<KpiCell> cells = new ArrayList<>();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                    long before = billing.size();
                    billing.clear();
                    readBilling(kafka, billing);
                    cells.clear();
                    readKpi(kafka, r -> cells.add(Topics.kpiSerde().decode(r.value())));
                    Set<String> days = billing.values().stream().filter(b -> !b.getSource().equals("pbx-quiet"))
                            .map(b -> group(b, Duration.ofDays(1))).collect(Collectors.toSet());
                    Set<String> published = cells.stream().filter(c -> c.getWindowSize().equals("P1D"))
                            .map(c -> c.getWindowStart().toEpochMilli() + "|" + c.getSource() + "|" + c.getLegRole())
                            .collect(Collectors.toSet());
                    return billing.size() > 4_900 && billing.size() == before && published.containsAll(days);
                });
                assertThat(app.metrics().kpiLate()).isZero();

                // The quiet source's hour and day close at their own end + grace: not yet, and checked above.
                Map<String, Expected> expected = expectedFrom(billing.values().stream()
                        .filter(b -> !b.getSource().equals("pbx-quiet")).toList());
                Map<String, KpiCell> actual = new TreeMap<>();
                for (KpiCell c : cells.stream().filter(c -> !c.getSource().equals("pbx-quiet")).toList()) {
                    assertThat(actual.put(key(c), c)).as("published once: %s", key(c)).isNull();
                }
                assertThat(actual.keySet()).as("the cells published").containsExactlyInAnyOrderElementsOf(expected.keySet());
                expected.forEach((key, e) -> {
                    KpiCell c = actual.get(key);
                    if (e.suppressed) {
                        assertThat(c.getSuppressed()).as(key).isNotNull();
                        assertThat(c.getAttempts()).as(key).isZero();
                        return;
                    }
                    assertThat(c.getSuppressed()).as(key).isNull();
                    assertThat(List.of(c.getAttempts(), c.getAnswered(), c.getBusy(), c.getNoAnswer(), c.getRejected(),
                            c.getCancelled(), c.getNetworkFailures(), c.getAnsweredBillableSeconds()))
                            .as(key).containsExactly(e.attempts(), e.count[0], e.count[1], e.count[2], e.count[3], e.count[4],
                                    e.count[5], e.billable);
                    assertThat(c.getDistinctCallers()).as(key).isEqualTo(e.callers.size()).isGreaterThanOrEqualTo(K);
                    assertThat(c.getAsr()).as(key).isCloseTo(100.0 * e.count[0] / e.attempts(), org.assertj.core.data.Offset.offset(1e-9));
                    assertThat(c.getAcd()).as(key).isCloseTo(e.count[0] == 0 ? 0 : (double) e.billable / e.count[0],
                            org.assertj.core.data.Offset.offset(1e-9));
                });
                assertThat(cells).filteredOn(c -> c.getSuppressed() == null)
                        .allSatisfy(c -> assertThat(c.getDistinctCallers()).isGreaterThanOrEqualTo(K));
                System.out.printf("kpi e2e: %d billing records, %d cells (%d suppressed markers)%n", billing.size(),
                        cells.size(), cells.stream().filter(c -> c.getSuppressed() != null).count());

                // 3. No number, pseudonym or record id in cdr.kpi: its records, and its files on the broker.
                Set<String> secrets = new HashSet<>();
                for (BillingRecord b : billing.values()) {
                    secrets.add(b.getRecordId());
                    for (PartyNumber p : List.of(b.getCalling(), b.getCalled())) {
                        if (p.getNumber() != null && p.getNumber().length() >= 7) {
                            secrets.add(p.getNumber());
                            secrets.add(p.getNumber().replace("+", ""));
                        }
                    }
                }
                readAnalytics(kafka, a -> {
                    secrets.add(a.getPseudoRecordId());
                    if (a.getCalling().getPseudonym() != null) {
                        secrets.add(a.getCalling().getPseudonym());
                    }
                    if (a.getCalled().getPseudonym() != null) {
                        secrets.add(a.getCalled().getPseudonym());
                    }
                });
                assertThat(secrets).hasSizeGreaterThan(2 * billing.size());
                Set<String> someSecrets = secrets.stream().limit(50).collect(Collectors.toSet());
                assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), List.of("cdr.analytics", "cdr.billing"),
                        someSecrets)).as("the scan finds what is there").isNotEmpty();
                assertThat(Scanners.recordsContaining(kafka.bootstrapServers(), List.of("cdr.kpi"), secrets)).isEmpty();
                // The segments (the records as stored); the index files are offsets and times, preallocated to 10 MB.
                List<Path> segments;
                try (var files = Files.walk(WORK.resolve("broker"))) {
                    segments = files.filter(f -> f.getParent().getFileName().toString().startsWith("cdr.kpi-")
                            && f.getFileName().toString().endsWith(".log")).toList();
                }
                assertThat(segments).isNotEmpty();
                for (Path f : segments) {
                    String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    assertThat(secrets).as(f.toString()).noneMatch(bytes::contains);
                }

                // 4. The kpi command: the newest day of the synthetic traffic, as a table.
                Path conf = WORK.resolve("pipeline.properties");
                Files.writeString(conf, settings.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n")
                        .collect(Collectors.joining()));
                java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
                java.io.PrintStream stdout = System.out;
                int exit;
                System.setOut(new java.io.PrintStream(table, true, StandardCharsets.UTF_8));
                try {
                    exit = io.cdrpipeline.cli.CdrPipelineCli.execute("kpi", "--config", conf.toString(), "--window", "1d",
                            "--source", "pbx-synth");
                } finally {
                    System.setOut(stdout);
                }
                String shown = table.toString(StandardCharsets.UTF_8);
                assertThat(exit).as(shown).isZero();
                KpiCell berlin = cells.stream().filter(c -> c.getSource().equals("pbx-synth") && c.getWindowSize().equals("P1D")
                        && "30".equals(c.getNdc())).findFirst().orElseThrow();
                assertThat(shown.lines().toList()).as(shown).anySatisfy(l -> assertThat(l)
                        .startsWith("1d    2026-11-02 00:00  pbx-synth")
                        .contains("+49 30", " " + berlin.getDistinctCallers() + " ", " " + berlin.getAttempts() + " ",
                                String.format("%.1f", berlin.getAsr())));
                assertThat(io.cdrpipeline.cli.CdrPipelineCli.execute("kpi", "--config", conf.toString(), "--window", "2h"))
                        .as("a window size that does not exist").isEqualTo(2);

                // 5. The analysts' reader (docs/analytics.md) reads cdr.kpi too: every cell, decoded.
                Path python = Path.of("/usr/bin/python3");
                Prerequisite.require(Files.isExecutable(python), "/usr/bin/python3 with python3-avro and "
                        + "python3-confluent-kafka (.ci/run installs them)");
                Process reader = new ProcessBuilder(python.toString(), "examples/read_analytics.py", "--bootstrap-server",
                        kafka.bootstrapServers(), "--topic", "cdr.kpi", "--group", "analytics-kpi", "--from-beginning",
                        "--max-idle", "5").directory(Path.of("..").toAbsolutePath().normalize().toFile())
                        .redirectErrorStream(true).start();
                String printed = new String(reader.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(reader.waitFor()).as(printed).isZero();
                List<String> lines = printed.lines().toList();
                assertThat(lines).as(printed).hasSize(cells.size())
                        .allSatisfy(l -> assertThat(l).startsWith("{\"key\": \"P").contains("\"windowSize\"", "\"asr\""));
                assertThat(lines).anySatisfy(l -> assertThat(l).contains("\"source\": \"pbx-synth\"", "\"country\": \"49\"",
                        "\"ndc\": \"30\"", "\"windowSize\": \"P1D\""));
            }
        }
    }

    /** The figures a cell must have, computed here from billing records. */
    private static final class Expected {
        final long[] count = new long[6];   // answered, busy, no answer, rejected, cancelled, network failures
        long billable;
        final Set<String> callers = new HashSet<>();
        boolean suppressed;

        long attempts() {
            long n = 0;
            for (long c : count) {
                n += c;
            }
            return n;
        }

        void add(Expected o) {
            for (int i = 0; i < count.length; i++) {
                count[i] += o.count[i];
            }
            billable += o.billable;
            callers.addAll(o.callers);
        }
    }

    /** The definitions and ladder, from clear billing records: quarters, then hours and days as their sums. */
    private static Map<String, Expected> expectedFrom(Iterable<BillingRecord> billing) {
        NumberFacts facts = new NumberFacts(10_000);
        Map<String, Map<String, Expected>> quarters = new TreeMap<>();   // group -> country/ndc -> figures
        for (BillingRecord b : billing) {
            String country = "?";
            String ndc = "";
            if (b.getCalled().getType() == NumberType.E164) {
                NumberFacts.Prefix p = facts.of(b.getCalled().getNumber());
                country = p.countryCode() == null ? "?" : p.countryCode().toString();
                ndc = p.destinationCode() == null ? "" : p.destinationCode();
            }
            Expected e = quarters.computeIfAbsent(group(b, Duration.ofMinutes(15)), g -> new TreeMap<>())
                    .computeIfAbsent(country + "/" + ndc, c -> new Expected());
            int outcome = outcome(b);
            e.count[outcome]++;
            if (outcome == 0) {
                e.billable += b.getBillableSeconds();
            }
            PartyNumber calling = b.getCalling();
            if (calling.getNumber() != null && calling.getType() != NumberType.WITHHELD) {
                e.callers.add(calling.getType() + "|" + (calling.getType() == NumberType.E164
                        || calling.getType() == NumberType.SIP_IDENTITY ? "" : b.getSource()) + "|" + calling.getNumber());
            }
        }
        Map<String, Expected> out = new TreeMap<>();
        Map<String, Expected> longer = new TreeMap<>();
        quarters.forEach((group, cells) -> {
            Map<String, Expected> published = ladder(cells);
            String[] g = group.split("\\|");
            long start = Long.parseLong(g[0]);
            published.forEach((cell, e) -> {
                out.put("PT15M|" + group + "|" + cell, e);
                for (Duration size : List.of(Duration.ofHours(1), Duration.ofDays(1))) {
                    String name = size.toHours() == 1 ? "PT1H" : "P1D";
                    longer.computeIfAbsent(name + "|" + start / size.toMillis() * size.toMillis() + "|" + g[1] + "|" + g[2]
                            + "|" + cell, k -> {
                                Expected s = new Expected();
                                s.suppressed = e.suppressed;
                                return s;
                            }).add(e);
                }
            });
        });
        out.putAll(longer);
        return out;
    }

    /** NDC cells of at least K callers; the rest per country; the rest of the world; or a suppressed marker. */
    private static Map<String, Expected> ladder(Map<String, Expected> cells) {
        Map<String, Expected> published = new TreeMap<>();
        Map<String, Expected> countryRest = new TreeMap<>();
        cells.forEach((cell, e) -> {
            String[] c = cell.split("/", -1);
            if (!c[1].isEmpty() && e.callers.size() >= K) {
                published.put(cell, e);
            } else {
                countryRest.computeIfAbsent(c[0], x -> new Expected()).add(e);
            }
        });
        Expected world = new Expected();
        countryRest.forEach((country, e) -> {
            if (e.callers.size() >= K) {
                published.put(country + "/*", e);
            } else {
                world.add(e);
            }
        });
        if (world.attempts() > 0 && world.callers.size() >= K) {
            published.put("*/", world);
        } else if (world.attempts() > 0) {
            Expected marker = new Expected();
            marker.suppressed = true;
            published.put("!/", marker);
        }
        return published;
    }

    /** 0 answered, 1 busy, 2 no answer, 3 rejected, 4 cancelled, 5 network failure (E.411 / E.425; Q.850 17, 18/19, 21). */
    private static int outcome(BillingRecord b) {
        return switch (b.getDisposition()) {
            case ANSWERED -> 0;
            case BUSY -> 1;
            case NO_ANSWER -> 2;
            case CANCELLED -> 4;
            default -> {
                Integer q = b.getQ850Cause();
                yield q == null ? 5 : q == 17 ? 1 : q == 18 || q == 19 ? 2 : q == 21 ? 3 : 5;
            }
        };
    }

    private static String group(BillingRecord b, Duration size) {
        long start = b.getStartTime().toEpochMilli() / size.toMillis() * size.toMillis();
        return start + "|" + b.getSource() + "|" + b.getLegRole();
    }

    private static String key(KpiCell c) {
        String cell = c.getSuppressed() != null ? "!/" : c.getCountry() + "/" + c.getNdc();
        return c.getWindowSize() + "|" + c.getWindowStart().toEpochMilli() + "|" + c.getSource() + "|" + c.getLegRole() + "|"
                + cell;
    }

    /** A cell's place as the test names it. */
    private static final class KpiCellKey {
        static String of(KpiCell c) {
            return c.getCountry() + "/" + c.getNdc();
        }
    }

    /** An Asterisk Master.csv line of the quiet switch: caller i % 6 (or 6, 7 to Munich), answered, 60 s. */
    private static byte[] quietCall(int i, Instant start) {
        String caller = String.format("015120000%03d", i);
        String callee = i < 6 ? "0302000" + (1000 + i) : "0891234" + (500 + i);
        Instant answer = start.plusSeconds(5);
        Instant end = answer.plusSeconds(60);
        String id = start.getEpochSecond() + "." + (900 + i);
        String line = String.join(",", q(""), q(caller), q(callee), q("from-internal"), q(""), q("SIP/q-" + i),
                q("SIP/carrier-" + i), q("Dial"), q("SIP/carrier/" + callee), q(STAMP.format(start)), q(STAMP.format(answer)),
                q(STAMP.format(end)), "65", "60", q("ANSWERED"), q("BILLING"), q(id), q(""), q(""), q(id), "0");
        return line.getBytes(StandardCharsets.UTF_8);
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }

    private static KafkaConsumer<byte[], byte[]> consumer(EmbeddedKafka kafka) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static void readKpi(EmbeddedKafka kafka, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka)) {
            TopicReader.readWhole(c, "cdr.kpi", r -> {
                if (r.value() != null) {
                    each.accept(r);
                }
            });
        }
    }

    private static void readBilling(EmbeddedKafka kafka, Map<String, BillingRecord> into) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka)) {
            TopicReader.readWhole(c, "cdr.billing", r -> {
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (KeepAlive.isKeepAlive(key)) {
                    return;
                }
                if (r.value() == null) {
                    into.remove(key);
                } else {
                    into.put(key, Topics.billingSerde().decode(r.value()));
                }
            });
        }
    }

    private static void readAnalytics(EmbeddedKafka kafka, Consumer<AnalyticsRecord> each) {
        try (KafkaConsumer<byte[], byte[]> c = consumer(kafka)) {
            TopicReader.readWhole(c, "cdr.analytics", r -> {
                if (r.value() != null) {
                    each.accept(Topics.analyticsSerde().decode(r.value()));
                }
            });
        }
    }
}
