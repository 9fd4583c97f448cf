package io.cdrpipeline.kpi;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which cells of one window (one source and leg role) may be published: a cell needs at least
 * {@code k} distinct calling parties. Cells are per destination country and national destination
 * code; what is too small climbs a ladder — the suppressed codes of a country are merged into that
 * country's "rest" cell, the rests too small into one "rest of the world" cell — and what is still
 * too small there is suppressed. The published cells partition the calls they count: every call is in
 * one published cell or in none, so totals (sums of published cells) never contain a suppressed call
 * and no suppressed figure can be recovered by subtraction.
 *
 * <p>Across window sizes the same holds only if a longer window is the sum of the shorter one's
 * published cells ({@link #rollUp}): an hour published on its own would, minus its four published
 * quarters, give back what the quarters suppressed. The price: calls suppressed in the shortest
 * window are in no longer one either.
 */
public final class Disclosure {

    /** The statistical-disclosure threshold rule's floor: fewer than 3 contributors are never published. */
    public static final int MIN_K = 3;
    public static final int DEFAULT_K = 5;
    /** The code of a country's rest cell, and the country of the world's rest cell. */
    public static final String REST = "*";

    /** A cell: destination country code (e.g. "49") and national destination code ("" when unknown). */
    public record Cell(String country, String ndc) {
    }

    /** What one window publishes, and how much it held back (calls in no published cell). */
    public record Result(Map<Cell, CellFigures> published, long suppressedAttempts, int suppressedCells) {
    }

    private Disclosure() {
    }

    public static Result publish(Map<Cell, CellFigures> cells, int k) {
        if (k < MIN_K) {
            throw new IllegalArgumentException("k = " + k + ": a cell needs at least " + MIN_K + " distinct callers");
        }
        Map<Cell, CellFigures> published = new LinkedHashMap<>();
        Map<String, CellFigures> countryRest = new TreeMap<>();
        Map<String, Integer> restParts = new TreeMap<>();
        for (Map.Entry<Cell, CellFigures> e : cellsSorted(cells).values()) {
            Cell cell = e.getKey();
            if (!cell.ndc().isEmpty() && e.getValue().distinctCallers() >= k) {
                published.put(cell, e.getValue());
            } else {
                countryRest.computeIfAbsent(cell.country(), c -> new CellFigures()).addAll(e.getValue());
                restParts.merge(cell.country(), 1, Integer::sum);
            }
        }
        CellFigures world = new CellFigures();
        int worldParts = 0;
        for (Map.Entry<String, CellFigures> e : countryRest.entrySet()) {
            if (e.getValue().distinctCallers() >= k) {
                published.put(new Cell(e.getKey(), REST), e.getValue());
            } else {
                world.addAll(e.getValue());
                worldParts += restParts.get(e.getKey());
            }
        }
        if (world.attempts() == 0) {
            return new Result(published, 0, 0);
        }
        if (world.distinctCallers() >= k) {
            published.put(new Cell(REST, ""), world);
            return new Result(published, 0, 0);
        }
        return new Result(published, world.attempts(), worldParts);
    }

    /**
     * A longer window's cells: per cell, the sum of the shorter windows' published cells of that key
     * (each of which had at least k callers, so their union has too).
     */
    public static Map<Cell, CellFigures> rollUp(Iterable<Map<Cell, CellFigures>> shorterPublished) {
        Map<Cell, CellFigures> out = new LinkedHashMap<>();
        for (Map<Cell, CellFigures> window : shorterPublished) {
            window.forEach((cell, figures) -> out.computeIfAbsent(cell, c -> new CellFigures()).addAll(figures));
        }
        return out;
    }

    private static Map<String, Map.Entry<Cell, CellFigures>> cellsSorted(Map<Cell, CellFigures> cells) {
        Map<String, Map.Entry<Cell, CellFigures>> out = new TreeMap<>();
        cells.entrySet().forEach(e -> out.put(e.getKey().country() + "/" + e.getKey().ndc(), e));
        return out;
    }
}
