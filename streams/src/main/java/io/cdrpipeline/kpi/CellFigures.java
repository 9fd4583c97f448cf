package io.cdrpipeline.kpi;

import io.cdrpipeline.schema.KpiCell;
import io.cdrpipeline.schema.LegRole;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The figures of one KPI cell: attempts per outcome, billable seconds of answered calls, and the
 * distinct calling parties — people, not events, are what k counts. A caller is known by a pseudonym
 * of one key epoch: two pseudonyms of one epoch are two people, but one person has another pseudonym
 * in each epoch, so the number of people is the largest count within one epoch (a lower bound, exact
 * when — as with monthly epochs and windows of a day or less — a cell lies in one epoch). A withheld
 * or unknown caller has no pseudonym and counts as nobody. The callers never leave the aggregator: a
 * published cell carries their number only.
 */
public final class CellFigures {

    private final Map<Outcome, Long> attempts = new EnumMap<>(Outcome.class);
    private long answeredBillableSeconds;
    private static final char EPOCH_SEPARATOR = '\u0000';
    private final Set<String> callers = new HashSet<>();

    /** {@code caller}: the calling party's pseudonym in key epoch {@code epoch}, or null when withheld or unknown. */
    public void add(Outcome outcome, long billableSeconds, String epoch, String caller) {
        count(outcome, billableSeconds);
        addCaller(epoch, caller);
    }

    /** One attempt, its caller kept elsewhere (the aggregator's store keeps each caller once, as its own key). */
    public void count(Outcome outcome, long billableSeconds) {
        attempts.merge(outcome, 1L, Long::sum);
        if (outcome == Outcome.ANSWERED) {
            answeredBillableSeconds += billableSeconds;
        }
    }

    /** A contributing caller (null: withheld or unknown, counts as nobody). */
    public void addCaller(String epoch, String caller) {
        if (caller != null) {
            callers.add(epoch + EPOCH_SEPARATOR + caller);
        }
    }

    public void addAll(CellFigures other) {
        other.attempts.forEach((o, n) -> attempts.merge(o, n, Long::sum));
        answeredBillableSeconds += other.answeredBillableSeconds;
        callers.addAll(other.callers);
    }

    public long attempts() {
        return attempts.values().stream().mapToLong(Long::longValue).sum();
    }

    public long count(Outcome outcome) {
        return attempts.getOrDefault(outcome, 0L);
    }

    public long answeredBillableSeconds() {
        return answeredBillableSeconds;
    }

    public int distinctCallers() {
        Map<String, Integer> perEpoch = new HashMap<>();
        for (String c : callers) {
            perEpoch.merge(c.substring(0, c.indexOf(EPOCH_SEPARATOR)), 1, Integer::sum);
        }
        return perEpoch.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    /** Answer-seizure ratio (E.411): answered ÷ attempts, in percent. */
    public double asr() {
        return percent(count(Outcome.ANSWERED), attempts());
    }

    /** Network effectiveness ratio (E.425): (answered + busy + no answer + terminal rejections) ÷ attempts, in percent. */
    public double ner() {
        long effective = attempts.entrySet().stream().filter(e -> e.getKey().effective()).mapToLong(Map.Entry::getValue).sum();
        return percent(effective, attempts());
    }

    /** Average call duration: billable seconds of answered calls ÷ answered calls (0 when none was answered). */
    public double acd() {
        long answered = count(Outcome.ANSWERED);
        return answered == 0 ? 0 : (double) answeredBillableSeconds / answered;
    }

    /** The published form: figures and their ratios, the number of callers — never who they are. */
    public KpiCell toRecord(Duration windowSize, Instant windowStart, String source, LegRole legRole,
            Disclosure.Cell cell, int k) {
        String size = windowSize.toDaysPart() > 0 && windowSize.toHoursPart() == 0 && windowSize.toMinutesPart() == 0
                ? "P" + windowSize.toDays() + "D" : windowSize.toString();
        return KpiCell.newBuilder().setWindowSize(size).setWindowStart(windowStart)
                .setWindowEnd(windowStart.plus(windowSize)).setSource(source).setLegRole(legRole)
                .setCountry(cell.country()).setNdc(cell.ndc()).setAttempts(attempts())
                .setAnswered(count(Outcome.ANSWERED)).setBusy(count(Outcome.BUSY)).setNoAnswer(count(Outcome.NO_ANSWER))
                .setRejected(count(Outcome.REJECTED)).setCancelled(count(Outcome.CANCELLED))
                .setNetworkFailures(count(Outcome.NETWORK_FAILURE)).setAnsweredBillableSeconds(answeredBillableSeconds)
                .setDistinctCallers(distinctCallers()).setK(k).setAsr(asr()).setNer(ner()).setAcd(acd()).build();
    }

    /** The figures as a store keeps them (callers included: the store is pseudonymous, the record is not). */
    public byte[] encode() {
        try (ByteArrayOutputStream bytes = new ByteArrayOutputStream(); DataOutputStream out = new DataOutputStream(bytes)) {
            for (Outcome o : Outcome.values()) {
                out.writeLong(count(o));
            }
            out.writeLong(answeredBillableSeconds);
            out.writeInt(callers.size());
            for (String c : callers) {
                out.writeUTF(c);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static CellFigures decode(byte[] encoded) {
        CellFigures f = new CellFigures();
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            for (Outcome o : Outcome.values()) {
                long n = in.readLong();
                if (n > 0) {
                    f.attempts.put(o, n);
                }
            }
            f.answeredBillableSeconds = in.readLong();
            for (int i = in.readInt(); i > 0; i--) {
                f.callers.add(in.readUTF());
            }
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
