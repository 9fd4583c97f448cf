package io.cdrpipeline.kpi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.cdrpipeline.kpi.Disclosure.Cell;
import io.cdrpipeline.schema.Disposition;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Issue 26's table: the definitions pinned on one cell, and what k suppresses. */
class KpiDefinitionsTest {

    @Test
    void oneCellOfTwentyAttemptsFromTwelveCallers() {
        CellFigures cell = new CellFigures();
        long[] billable = {60, 60, 90, 120, 120, 150, 100, 100, 100};
        int caller = 0;
        for (long s : billable) {
            cell.add(Outcome.of(Disposition.ANSWERED, 16), s, "e1", "caller-" + (caller++ % 12));
        }
        for (int i = 0; i < 5; i++) {
            cell.add(Outcome.of(Disposition.BUSY, 17), 0, "e1", "caller-" + (caller++ % 12));
        }
        for (int i = 0; i < 3; i++) {
            cell.add(Outcome.of(Disposition.NO_ANSWER, 19), 0, "e1", "caller-" + (caller++ % 12));
        }
        cell.add(Outcome.of(Disposition.CANCELLED, 487), 0, "e1", "caller-" + (caller++ % 12));
        cell.add(Outcome.of(Disposition.FAILED, 34), 0, "e1", "caller-" + (caller++ % 12));
        cell.add(Outcome.of(Disposition.FAILED, 42), 0, "e1", "caller-" + (caller++ % 12));

        assertThat(cell.attempts()).isEqualTo(20);
        assertThat(cell.distinctCallers()).isEqualTo(12);
        assertThat(cell.asr()).isCloseTo(45.0, within(1e-9));
        assertThat(cell.ner()).isCloseTo(90.0, within(1e-9));
        assertThat(cell.acd()).isCloseTo(100.0, within(1e-9));
        assertThat(cell.answeredBillableSeconds()).isEqualTo(900);
        assertThat(cell.count(Outcome.NETWORK_FAILURE)).isEqualTo(2);
    }

    @Test
    void thePublishedRecordCarriesFiguresAndTheNumberOfCallersOnly() {
        CellFigures f = calls(6, 5, "secret-pseudonym");
        var record = f.toRecord(java.time.Duration.ofMinutes(15), java.time.Instant.parse("2026-11-02T08:00:00Z"), "pbx-berlin",
                io.cdrpipeline.schema.LegRole.ORIGINATING, new Cell("49", "30"), 5);
        assertThat(record.getWindowEnd()).isEqualTo(java.time.Instant.parse("2026-11-02T08:15:00Z"));
        assertThat(record.getAttempts()).isEqualTo(6);
        assertThat(record.getDistinctCallers()).isEqualTo(5);
        assertThat(record.getAsr()).isEqualTo(100.0);
        assertThat(record.toString()).doesNotContain("secret-pseudonym");
    }

    @Test
    void aFailureTheCalledPartyCausedIsEffective() {
        assertThat(Outcome.of(Disposition.FAILED, 21)).isEqualTo(Outcome.REJECTED);
        assertThat(Outcome.of(Disposition.FAILED, 17)).isEqualTo(Outcome.BUSY);
        assertThat(Outcome.of(Disposition.FAILED, 34).effective()).isFalse();
        assertThat(Outcome.of(Disposition.CONGESTION, null).effective()).isFalse();
        assertThat(Outcome.of(Disposition.FAILED, 21).effective()).isTrue();
    }

    @Test
    void smallCellsAreSuppressedCountingPeopleNotCalls() {
        Map<Cell, CellFigures> cells = new LinkedHashMap<>();
        cells.put(new Cell("44", "20"), calls(7, 3, "a"));      // 7 calls, 3 callers
        cells.put(new Cell("49", "30"), calls(40, 1, "b"));     // 40 calls, one caller
        cells.put(new Cell("33", "1"), calls(20, 12, "c"));
        Disclosure.Result r = Disclosure.publish(cells, Disclosure.DEFAULT_K);
        assertThat(r.published()).containsOnlyKeys(new Cell("33", "1"));
        assertThat(r.suppressedAttempts()).isEqualTo(47);
        assertThat(r.suppressedCells()).isEqualTo(2);
    }

    @Test
    void whatIsTooSmallClimbsTheLadderAndIsPublishedOnlyAsAWhole() {
        Map<Cell, CellFigures> cells = new LinkedHashMap<>();
        cells.put(new Cell("49", "30"), calls(30, 10, "berlin"));
        cells.put(new Cell("49", "89"), calls(6, 3, "munich"));
        cells.put(new Cell("49", "40"), calls(5, 3, "hamburg"));
        cells.put(new Cell("44", "20"), calls(4, 2, "london"));
        cells.put(new Cell("1", "201"), calls(4, 2, "nj"));
        cells.put(new Cell("1", ""), calls(2, 2, "us-unknown"));
        Disclosure.Result r = Disclosure.publish(cells, 5);
        // Munich and Hamburg (3 callers each) are published only together, as Germany's rest (6 callers);
        // London, New Jersey and the US's unknown code together make the rest of the world (6 callers).
        assertThat(r.published()).containsOnlyKeys(new Cell("49", "30"), new Cell("49", Disclosure.REST),
                new Cell(Disclosure.REST, ""));
        assertThat(r.published().get(new Cell("49", Disclosure.REST)).attempts()).isEqualTo(11);
        assertThat(r.published().get(new Cell(Disclosure.REST, "")).attempts()).isEqualTo(10);
        assertThat(r.suppressedAttempts()).isZero();
    }

    @Test
    void kIsNeverBelowThree() {
        assertThatThrownBy(() -> Disclosure.publish(Map.of(), 2)).hasMessageContaining("at least 3");
    }

    /**
     * The published cells partition what they count: no call in two of them, each with at least k
     * callers, and published + suppressed = all — so a total (a sum of published cells) holds no
     * suppressed call and subtracting published figures recovers nothing suppressed.
     */
    @Test
    void publishedCellsPartitionTheCallsOverRandomWindows() {
        Random random = new Random(26);
        for (int round = 0; round < 500; round++) {
            int k = 3 + random.nextInt(5);
            Map<Cell, CellFigures> cells = new HashMap<>();
            Map<Cell, Set<String>> callIds = new HashMap<>();
            int calls = random.nextInt(200);
            for (int i = 0; i < calls; i++) {
                Cell cell = new Cell(List.of("1", "33", "44", "49").get(random.nextInt(4)),
                        List.of("", "20", "30", "89", "201").get(random.nextInt(5)));
                CellFigures f = cells.computeIfAbsent(cell, c -> new CellFigures());
                f.add(Outcome.values()[random.nextInt(Outcome.values().length)], random.nextInt(300), "e1",
                        "caller-" + random.nextInt(25));
                callIds.computeIfAbsent(cell, c -> new HashSet<>()).add("call-" + i);
            }
            Disclosure.Result r = Disclosure.publish(cells, k);
            long published = r.published().values().stream().mapToLong(CellFigures::attempts).sum();
            assertThat(published + r.suppressedAttempts()).as("round %d: every call once", round).isEqualTo(calls);
            assertThat(r.published().values()).allSatisfy(f -> assertThat(f.distinctCallers()).isGreaterThanOrEqualTo(k));
            if (r.suppressedAttempts() > 0) {
                assertThat(r.published()).as("round %d: nothing suppressed once the world's rest is published", round)
                        .doesNotContainKey(new Cell(Disclosure.REST, ""));
            }
        }
    }

    /**
     * An hour is the sum of its quarters' published cells: subtracting the published quarters from
     * the published hour leaves nothing, for every cell — no quarter's suppressed calls come back.
     */
    @Test
    void anHourMinusItsPublishedQuartersRevealsNothing() {
        Random random = new Random(2611);
        int roundsWithSuppression = 0;
        for (int round = 0; round < 200; round++) {
            List<Map<Cell, CellFigures>> quarters = new java.util.ArrayList<>();
            long suppressed = 0;
            for (int q = 0; q < 4; q++) {
                Map<Cell, CellFigures> cells = new HashMap<>();
                for (int i = random.nextInt(120); i > 0; i--) {
                    Cell cell = new Cell(List.of("33", "44", "49").get(random.nextInt(3)), List.of("20", "30", "89").get(random.nextInt(3)));
                    cells.computeIfAbsent(cell, c -> new CellFigures()).add(Outcome.ANSWERED, 60, "e1", "c" + random.nextInt(15));
                }
                Disclosure.Result r = Disclosure.publish(cells, 5);
                quarters.add(r.published());
                suppressed += r.suppressedAttempts();
            }
            Map<Cell, CellFigures> hour = Disclosure.rollUp(quarters);
            for (Map.Entry<Cell, CellFigures> e : hour.entrySet()) {
                long fromQuarters = quarters.stream().mapToLong(q -> q.containsKey(e.getKey()) ? q.get(e.getKey()).attempts() : 0).sum();
                assertThat(e.getValue().attempts()).as("round %d, %s", round, e.getKey()).isEqualTo(fromQuarters);
                assertThat(e.getValue().distinctCallers()).isGreaterThanOrEqualTo(5);
            }
            roundsWithSuppression += suppressed > 0 ? 1 : 0;
        }
        assertThat(roundsWithSuppression).as("the property met suppressed quarters").isGreaterThan(20);
    }

    @Test
    void oneCallerUnderTwoEpochsIsOnePersonAndAWithheldCallerIsNobody() {
        CellFigures f = new CellFigures();
        // The same four people under two epochs' pseudonyms: never eight.
        for (int i = 0; i < 4; i++) {
            f.add(Outcome.ANSWERED, 60, "2026-11", "nov-" + i);
            f.add(Outcome.ANSWERED, 60, "2026-12", "dec-" + i);
        }
        // Forty calls with the number withheld: one person, or forty, nobody can tell — counted as none.
        for (int i = 0; i < 40; i++) {
            f.add(Outcome.BUSY, 0, "2026-12", null);
        }
        assertThat(f.attempts()).isEqualTo(48);
        assertThat(f.distinctCallers()).isEqualTo(4);
        assertThat(Disclosure.publish(Map.of(new Cell("49", "30"), f), 5).published()).isEmpty();
        assertThat(CellFigures.decode(f.encode()).distinctCallers()).isEqualTo(4);
    }

    private static CellFigures calls(int n, int callers, String prefix) {
        CellFigures f = new CellFigures();
        for (int i = 0; i < n; i++) {
            f.add(Outcome.ANSWERED, 60, "e1", prefix + "-" + (i % callers));
        }
        return f;
    }
}
