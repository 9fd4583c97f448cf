package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.Role;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Releases a legal hold; overdue billing records of the account go on the next sweep. */
@Command(name = "release", mixinStandardHelpOptions = true,
        description = "Release a legal hold: overdue billing records of the account are deleted on the next sweep.")
final class ReleaseCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions kafka;

    @Option(names = "--account", required = true)
    String account;

    @Option(names = "--id", required = true, description = "The hold id given to 'hold'.")
    String id;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = kafka.loadFor(Role.OPS, OwnedTopic.LEGAL_HOLDS);
        HoldCommand.check(account, "--account");
        HoldCommand.check(id, "--id");
        try (ControlTopics control = new ControlTopics(config)) {
            control.send(config.topic(OwnedTopic.LEGAL_HOLDS), account + "|" + id, null);
        }
        System.out.printf("hold %s on account %s released%n", id, account);
        return 0;
    }
}
