package io.cdrpipeline.cli;

import io.cdrpipeline.config.PipelineConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Shows the effective configuration: defaults, then the file, then the environment; secrets masked. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the effective configuration (defaults < file < CDR_* environment), secrets masked.")
final class ConfigCommand implements Callable<Integer> {

    @Option(names = "--config", paramLabel = "FILE", description = "Properties or YAML config file.")
    Path config;

    @Option(names = "--print", description = "Print it (the default action).")
    boolean print;

    @Override
    public Integer call() {
        PipelineConfig.load(config, System.getenv()).effective().forEach((k, v) -> System.out.println(k + "=" + v));
        return 0;
    }
}
