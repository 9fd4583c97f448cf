package io.cdrpipeline.kpi;

import io.cdrpipeline.schema.KpiCell;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The latest published KPI cells as a table for people: per window size, the newest {@code windows}
 * windows (of any source), one row per cell — destination, callers, attempts by outcome, ASR, NER,
 * ACD, minutes — and a suppressed cell as the reason it gives.
 */
public final class KpiTable {

    /** Window sizes as {@code KpiCell.windowSize} spells them, shortest first. */
    public static final List<String> SIZES = List.of("PT15M", "PT1H", "P1D");

    private KpiTable() {
    }

    /** The newest {@code windows} window starts of each size in {@code cells}, their cells sorted. */
    public static List<KpiCell> latest(Collection<KpiCell> cells, int windows) {
        Map<String, TreeSet<Instant>> starts = new TreeMap<>();
        cells.forEach(c -> starts.computeIfAbsent(c.getWindowSize(), s -> new TreeSet<>()).add(c.getWindowStart()));
        List<KpiCell> out = new ArrayList<>();
        for (Map.Entry<String, TreeSet<Instant>> e : starts.entrySet()) {
            Set<Instant> newest = e.getValue().descendingSet().stream().limit(windows).collect(Collectors.toSet());
            cells.stream().filter(c -> c.getWindowSize().equals(e.getKey()) && newest.contains(c.getWindowStart()))
                    .forEach(out::add);
        }
        out.sort(ORDER);
        return out;
    }

    /** Size (shortest first), start, source, leg role, destination; a suppressed marker after its window's cells. */
    public static final Comparator<KpiCell> ORDER = Comparator
            .comparingInt((KpiCell c) -> SIZES.indexOf(c.getWindowSize()))
            .thenComparing(KpiCell::getWindowStart)
            .thenComparing(KpiCell::getSource)
            .thenComparing(KpiCell::getLegRole)
            .thenComparing(c -> c.getSuppressed() != null)
            .thenComparing(KpiCell::getCountry, Comparator.comparing(KpiTable::countryOrder))
            .thenComparing(c -> destination(c));

    public static String render(List<KpiCell> cells) {
        StringBuilder out = new StringBuilder(String.format("%-5s %-17s %-14s %-12s %-9s %7s %8s %8s %5s %5s %5s %5s %5s %6s %6s %6s %8s%n",
                "size", "window start", "source", "leg", "to", "callers", "attempts", "answered", "busy", "noans", "rej",
                "canc", "fail", "ASR%", "NER%", "ACD s", "minutes"));
        for (KpiCell c : cells) {
            out.append(String.format("%-5s %-17s %-14s %-12s ", label(c.getWindowSize()),
                    c.getWindowStart().toString().substring(0, 16).replace('T', ' '), c.getSource(), c.getLegRole()));
            if (c.getSuppressed() != null) {
                out.append("(suppressed) ").append(c.getSuppressed()).append('\n');
                continue;
            }
            out.append(String.format("%-9s %7d %8d %8d %5d %5d %5d %5d %5d %6.1f %6.1f %6.1f %8.1f%n", destination(c),
                    c.getDistinctCallers(), c.getAttempts(), c.getAnswered(), c.getBusy(), c.getNoAnswer(), c.getRejected(),
                    c.getCancelled(), c.getNetworkFailures(), c.getAsr(), c.getNer(), c.getAcd(),
                    c.getAnsweredBillableSeconds() / 60.0));
        }
        return out.toString();
    }

    /** {@code +49 30}, {@code +49 *} (the country's rest), {@code *} (the rest of the world), {@code ?} (unknown country). */
    public static String destination(KpiCell c) {
        if (c.getCountry().equals(Disclosure.REST)) {
            return "*";
        }
        if (c.getCountry().equals("?")) {
            return "?";
        }
        return "+" + c.getCountry() + (c.getNdc().isEmpty() ? "" : " " + c.getNdc());
    }

    private static String label(String size) {
        return switch (size) {
            case "PT15M" -> "15m";
            case "PT1H" -> "1h";
            case "P1D" -> "1d";
            default -> size;
        };
    }

    private static String countryOrder(String country) {
        return country.equals(Disclosure.REST) ? "~~" : country.equals("?") ? "~" : String.format("%5s", country);
    }
}
