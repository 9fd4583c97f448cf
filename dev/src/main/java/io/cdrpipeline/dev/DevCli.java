package io.cdrpipeline.dev;

import io.cdrpipeline.bench.BenchCommand;
import io.cdrpipeline.cli.CdrPipelineCli;
import picocli.CommandLine;

/**
 * {@code cdr-pipeline-dev.jar}: every command of the production jar, plus what only development
 * needs — {@code demo} (the pipeline on an embedded broker and the bundled samples),
 * {@code broker} (a single-node KRaft broker) and {@code bench} (JMH stages, end to end, recovery).
 */
public final class DevCli {

    private DevCli() {
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = CdrPipelineCli.commandLine();
        for (String moved : new String[] {"demo", "broker", "bench"}) {
            cli.getCommandSpec().removeSubcommand(moved);
        }
        cli.addSubcommand(new DemoCommand()).addSubcommand(new BrokerCommand()).addSubcommand(new BenchCommand());
        return CdrPipelineCli.execute(cli, args);
    }
}
