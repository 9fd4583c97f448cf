package io.cdrpipeline.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A part a test needs from the machine (PostgreSQL, Python's Avro library, docker-compose, root to
 * mount a small tmpfs). Outside CI a missing part skips the test, saying what is missing and how to
 * get it; in CI — the environment variable {@code CI} set, as {@code .ci/run} sets it — it fails the
 * test: a green CI means every test ran.
 */
public final class Prerequisite {

    private Prerequisite() {
    }

    /** Returns if {@code present}; otherwise skips (outside CI) or fails (in CI), naming {@code what} is missing. */
    public static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (inCi()) {
            Assertions.fail("CI needs " + what + " and it is missing on this machine");
        }
        Assumptions.abort(what + " is missing on this machine: skipped here, required in CI");
    }

    /** Whether this run is CI's ({@code CI} set to anything but {@code false}). */
    public static boolean inCi() {
        String ci = System.getenv("CI");
        return ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false");
    }
}
