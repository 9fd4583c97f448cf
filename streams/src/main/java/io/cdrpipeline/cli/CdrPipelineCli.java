package io.cdrpipeline.cli;

import io.cdrpipeline.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import io.cdrpipeline.app.ErrorText;

/** {@code cdr-pipeline}: the one runnable jar. Bad arguments and bad configuration stop with a message naming the problem (exit 2). */
@Command(name = "cdr-pipeline", mixinStandardHelpOptions = true, version = "cdr-pipeline 0.1.0",
        description = "Privacy-preserving CDR pipeline on Kafka Streams: ingest switch CDRs, split billing from "
                + "pseudonymised analytics, and delete personal data on time.",
        subcommands = {RunCommand.class, ProduceCommand.class,
                ConsumeCommand.class, TopicsCommand.class, KeysCommand.class, RotateMasterKeyCommand.class, RetentionCommand.class,
                EraseCommand.class, AccessCommand.class, KpiCommand.class, AuditCommand.class, HoldCommand.class, ReleaseCommand.class, ConfigCommand.class, DescribeCommand.class, IngestCommand.class, AclsCommand.class, CommandLine.HelpCommand.class})
public final class CdrPipelineCli {

    private static volatile boolean verbose;

    @picocli.CommandLine.Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "On failure, print the stack trace as well as the message and its causes.")
    void verbose(boolean on) {
        verbose = on;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        return execute(commandLine(), args);
    }

    /** The production command line; the development jar adds {@code demo}, {@code broker} and {@code bench} to it. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new CdrPipelineCli()).setCaseInsensitiveEnumValuesAllowed(true);
        DevelopmentOnly.NAMES.forEach(name -> cli.addSubcommand(name, new DevelopmentOnly(name)));
        return cli;
    }

    /** Runs {@code cli} with our error handling: exit 2 for bad input, 1 for failures, messages without echoed values. */
    public static int execute(CommandLine cli, String... args) {
        // A bad value is not echoed back: it may be a subject's number or a name typed in the wrong place.
        cli.setParameterExceptionHandler((e, given) -> {
            CommandLine cmd = e.getCommandLine();
            String message = e.getMessage();
            if (e.getArgSpec() != null && e.getArgSpec().isOption()) {
                CommandLine.Model.OptionSpec o = (CommandLine.Model.OptionSpec) e.getArgSpec();
                Iterable<String> candidates = o.completionCandidates();
                message = "invalid value for option '" + o.longestName() + "'"
                        + (candidates == null ? "" : "; expected one of " + String.join(", ", candidates));
            }
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + message));
            cmd.getErr().println("try: " + cmd.getCommandSpec().qualifiedName() + " --help");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            boolean usage = e instanceof ConfigException || e instanceof IllegalArgumentException;
            cmd.getErr().println(cmd.getColorScheme().errorText((usage ? "error: " : "failed: ") + describe(e)));
            if (verbose) {
                e.printStackTrace(cmd.getErr());
            }
            return usage ? 2 : 1;
        });
        String unknown = unknownCommand(cli, args);
        if (unknown != null) {
            cli.getErr().println(cli.getColorScheme().errorText("error: " + unknown));
            return 2;
        }
        return cli.execute(args);
    }

    /**
     * Why the words of {@code args} name no command, or null: picocli answers {@code cdr-pipeline kpi
     * --help} with the general usage and exit 0, so a script that checks a command exists is told it does.
     */
    static String unknownCommand(CommandLine cli, String... args) {
        CommandLine cmd = cli;
        for (String a : args) {
            if (a.startsWith("-") || cmd.getSubcommands().isEmpty()) {
                if (a.equals("--")) {
                    return null;
                }
                if (!a.startsWith("-")) {
                    return null;
                }
                continue;
            }
            CommandLine sub = cmd.getSubcommands().get(a);
            if (sub == null) {
                return "'" + a + "' is not a command of " + cmd.getCommandSpec().qualifiedName() + " (commands: "
                        + String.join(", ", cmd.getSubcommands().keySet()) + ")";
            }
            cmd = sub;
        }
        return null;
    }

    /** The message of an error and of each cause under it (see {@link io.cdrpipeline.app.ErrorText}). */
    public static String describe(Throwable e) {
        return ErrorText.describe(e);
    }
}
