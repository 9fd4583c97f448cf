package io.cdrpipeline.demo;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Synthetic Asterisk cdr_csv traffic (21 columns, UTC times) for the demo and benchmarks. Callers
 * and callees are drawn Zipf-like from a population of subscribers, so numbers repeat as in real
 * traffic; a share of lines are resends of earlier ones and a share are impossible (end before
 * start), so that every path of the pipeline is exercised. Deterministic for a given seed.
 */
public final class TrafficGenerator {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final Random random;
    private final double[] cdf;
    private final double resendShare;
    private final double badShare;
    private final List<String> sent = new ArrayList<>();
    private Instant clock = Instant.parse("2026-11-02T08:00:00Z");
    private long sequence;
    private final boolean unique;
    private int nextUnique;

    /** Counts of what was generated, so callers can check the pipeline's accounting. */
    private long resends;
    private long bad;

    /** Numbers that never repeat: the worst case for every cache on the way. */
    public static TrafficGenerator allUnique(long seed) {
        return new TrafficGenerator(seed, 0, 0, 0, 0);
    }

    public TrafficGenerator(long seed, int population, double zipfExponent, double resendShare, double badShare) {
        this.unique = population <= 0;
        population = Math.max(population, 1);
        this.random = new Random(seed);
        this.resendShare = resendShare;
        this.badShare = badShare;
        this.cdf = new double[population];
        double sum = 0;
        for (int k = 1; k <= population; k++) {
            sum += 1.0 / Math.pow(k, zipfExponent);
            cdf[k - 1] = sum;
        }
        for (int k = 0; k < population; k++) {
            cdf[k] /= sum;
        }
    }

    public byte[] next() {
        if (!sent.isEmpty() && random.nextDouble() < resendShare) {
            resends++;
            return sent.get(random.nextInt(sent.size())).getBytes(StandardCharsets.UTF_8);
        }
        clock = clock.plusMillis(200 + random.nextInt(800));
        sequence++;
        int caller = draw();
        int callee = draw();
        String dialled = callee % 5 == 0 ? Integer.toString(200 + callee % 100) : destination(callee);
        // One draw per call whatever the destination: the sequence (resends, bad records) does not depend on it.
        boolean answered = random.nextDouble() < answerShare(callee);
        long ring = 2 + random.nextInt(20);
        long talk = answered ? 5 + random.nextInt(600) : 0;
        Instant start = clock;
        Instant end = start.plusSeconds(ring + talk);
        boolean impossible = random.nextDouble() < badShare;
        if (impossible) {
            bad++;
            end = start.minusSeconds(60);
        }
        // Asterisk's uniqueid starts with the channel's creation epoch (UTC), here the call's start.
        String uniqueId = start.getEpochSecond() + "." + sequence;
        String line = String.join(",",
                q(caller % 7 == 0 ? "acct-" + caller % 50 : ""), q(subscriber(caller)), q(dialled),
                q("from-internal"), q("\"\"Subscriber " + caller + "\"\" <" + subscriber(caller) + ">"),
                q("SIP/trunk-" + Long.toHexString(sequence)), q("SIP/carrier-" + Long.toHexString(sequence + 1)),
                q("Dial"), q("SIP/carrier/" + dialled + ",60,tT"),
                q(STAMP.format(start)), answered ? q(STAMP.format(start.plusSeconds(ring))) : "", q(STAMP.format(end)),
                Long.toString(ring + talk), Long.toString(talk), q(answered ? "ANSWERED" : unanswered(sequence)), q("BILLING"),
                q(uniqueId), q(""), q(""), q(uniqueId), Long.toString(sequence % 10));
        if (!impossible) {
            sent.add(line);
            if (sent.size() > 10_000) {
                sent.remove(0);
            }
        }
        return line.getBytes(StandardCharsets.UTF_8);
    }

    public long resends() {
        return resends;
    }

    public long bad() {
        return bad;
    }

    private int draw() {
        if (unique) {
            return ++nextUnique;
        }
        double u = random.nextDouble();
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo + 1;
    }

    /** A German mobile number in national format, unique per subscriber index. */
    static String subscriber(int k) {
        return String.format("01512%07d", 1_000_000 + (int) ((long) k * 37 % 8_999_999));
    }

    /**
     * Where callee k is, as dialled in Germany: Berlin, Munich, Hamburg, a mobile, Paris, London or
     * New York — unique per k within each kind, so numbers still never repeat in {@link #allUnique}.
     */
    private static String destination(int k) {
        int n = (int) ((long) k * 53 % 7_999_999);
        return switch (k % 10) {
            case 1 -> String.format("089%07d", 1_000_000 + n % 8_999_999);
            case 2 -> String.format("040%08d", 20_000_000 + n);
            case 3 -> String.format("0171%07d", 2_000_000 + n % 7_999_999);
            case 4 -> String.format("00331%08d", 40_000_000 + n);
            case 6 -> String.format("0044207%07d", 1_000_000 + n % 8_999_999);
            case 7 -> String.format("001212%07d", 2_000_000 + n % 7_999_999);
            default -> landline(k);
        };
    }

    /** The share of answered calls per destination kind: routes differ, as they do in real traffic. */
    private static double answerShare(int k) {
        return switch (k % 10) {
            case 3 -> 0.75;
            case 4 -> 0.55;
            case 6 -> 0.6;
            case 7 -> 0.45;
            default -> 0.7;
        };
    }

    /** Unanswered calls: busy, failed in the network, or not answered. */
    private static String unanswered(long sequence) {
        return sequence % 4 == 0 ? "BUSY" : sequence % 9 == 0 ? "FAILED" : "NO ANSWER";
    }

    /** A Berlin landline in national format. */
    static String landline(int k) {
        return String.format("030%08d", 20_000_000 + (int) ((long) k * 53 % 79_999_999));
    }

    private static String q(String s) {
        return "\"" + s + "\"";
    }
}
