package io.cdrpipeline.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/** Times a Kafka Streams application from RUNNING until it has done {@code n} records, with its stream threads' CPU time. */
final class Timing {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Timing() {
    }

    static SteadyBench.Run timed(String app, Runnable start, BooleanSupplier running, LongSupplier done, long n)
            throws InterruptedException {
        start.run();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!running.getAsBoolean() && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
        long cpu0 = streamThreadsCpu(app);
        long t0 = System.nanoTime();
        long base = done.getAsLong();
        while (done.getAsLong() < n && Instant.now().isBefore(deadline)) {
            Thread.sleep(10);
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        long cpu = streamThreadsCpu(app) - cpu0;
        long records = Math.max(1, done.getAsLong() - base);
        return new SteadyBench.Run((n - base) / secs, cpu / 1e3 / records);
    }

    /** CPU nanoseconds of the application's stream threads (named {@code <application.id>-<uuid>-StreamThread-<n>}). */
    private static long streamThreadsCpu(String app) {
        long total = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith(app + "-") && t.getName().contains("-StreamThread-")) {
                long c = THREADS.getThreadCpuTime(t.getId());
                total += Math.max(0, c);
            }
        }
        return total;
    }
}
