package io.cdrpipeline.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code demo}, {@code broker} and {@code bench} live in the development jar (with the embedded
 * broker, the sample corpus and JMH), not in the production one: asked for here, they say where.
 * One hidden command per name ({@link CdrPipelineCli#commandLine}).
 */
@Command(hidden = true)
final class DevelopmentOnly implements Callable<Integer> {

    static final String DEV_JAR = "dev/target/cdr-pipeline-dev.jar";
    static final List<String> NAMES = List.of("demo", "broker", "bench");

    private final String name;

    /** Whatever the development command would take (options included): the answer is the same. */
    @Unmatched
    List<String> ignored;

    DevelopmentOnly(String name) {
        this.name = name;
    }

    @Override
    public Integer call() {
        System.err.println("error: '" + name + "' is in the development jar, not the production one: java -jar " + DEV_JAR
                + " " + name + " (built by mvn package)");
        return 2;
    }
}
