package io.cdrpipeline.deploy;

import io.cdrpipeline.testing.Prerequisite;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' promtool, as {@code .ci/run} provides it (Debian's prometheus package unpacked, its
 * path in {@code $PROMTOOL}) or from the PATH. Missing: the test is skipped with the reason outside
 * CI and fails in CI.
 */
public final class Promtool {

    /** What promtool printed and how it exited. */
    public record Result(int exit, String output) {
    }

    private final String command;

    private Promtool(String command) {
        this.command = command;
    }

    public static Promtool require() {
        String env = System.getenv("PROMTOOL");
        if (env != null && !env.isBlank() && Files.isExecutable(Path.of(env))) {
            return new Promtool(env);
        }
        boolean onPath = false;
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "promtool"))) {
                onPath = true;
            }
        }
        Prerequisite.require(onPath, "promtool ($PROMTOOL or on the PATH; .ci/run unpacks Debian's prometheus package: "
                + "apt-get download prometheus && dpkg-deb -x prometheus_*.deb DIR)");
        return new Promtool("promtool");
    }

    /** Runs promtool in {@code dir} with {@code args}, feeding {@code stdin} (or nothing). */
    public Result run(Path dir, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(command);
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("promtool " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new Result(p.exitValue(), out);
    }
}
