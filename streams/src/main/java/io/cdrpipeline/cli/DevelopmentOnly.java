package io.cdrpipeline.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code demo}, {@code broker} and {@code bench} live in the development jar (with the embedded
 * broker, the sample corpus and JMH), not in the production one: asked for here, they say where.
 */
final class DevelopmentOnly {

    static final String DEV_JAR = "dev/target/cdr-pipeline-dev.jar";

    private DevelopmentOnly() {
    }

    private static int moved(String command) {
        System.err.println("error: '" + command + "' is in the development jar, not the production one: java -jar " + DEV_JAR
                + " " + command + " (built by mvn package)");
        return 2;
    }

    @Command(name = "demo", hidden = true)
    static final class Demo implements Callable<Integer> {
        @Parameters(arity = "0..*")
        List<String> ignored;

        @Override
        public Integer call() {
            return moved("demo");
        }
    }

    @Command(name = "broker", hidden = true)
    static final class Broker implements Callable<Integer> {
        @Parameters(arity = "0..*")
        List<String> ignored;

        @Override
        public Integer call() {
            return moved("broker");
        }
    }

    @Command(name = "bench", hidden = true)
    static final class Bench implements Callable<Integer> {
        @Parameters(arity = "0..*")
        List<String> ignored;

        @Override
        public Integer call() {
            return moved("bench");
        }
    }
}
