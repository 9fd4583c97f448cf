package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.Role;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.schema.LegalHold;
import io.cdrpipeline.serde.AvroSerde;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import io.cdrpipeline.schema.HoldReason;

/** Places a legal hold on an account's billing records (a dispute, a court order). */
@Command(name = "hold", mixinStandardHelpOptions = true,
        description = "Place a legal hold: billing records of the account are kept past their window until released.")
final class HoldCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions kafka;

    @Option(names = "--account", required = true)
    String account;

    @Option(names = "--id", required = true, description = "Hold id, e.g. the dispute or case number.")
    String id;

    @Option(names = "--reason", defaultValue = "UNSPECIFIED",
            description = "Why, as a code: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}). Free text is not kept.")
    HoldReason reason;

    @Option(names = "--case", paramLabel = "REF", description = "Your dispute or case id (1-64 of A-Z a-z 0-9 . _ : / -).")
    String caseReference;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = kafka.loadFor(Role.OPS, OwnedTopic.LEGAL_HOLDS);
        check(account, "--account");
        check(id, "--id");
        try (ControlTopics control = new ControlTopics(config)) {
            control.send(config.topic(OwnedTopic.LEGAL_HOLDS), account + "|" + id,
                    new AvroSerde<>(LegalHold.class, LegalHold.getClassSchema()).encode(LegalHold.newBuilder()
                            .setHoldId(id).setAccount(account).setReasonCode(reason)
                            .setCaseReference(CaseReferences.check(caseReference)).setPlacedAt(Instant.now()).build()));
        }
        System.out.printf("hold %s placed on account %s%n", id, account);
        return 0;
    }

    static void check(String value, String option) {
        if (value.isBlank() || value.contains("|")) {
            throw new IllegalArgumentException(option + " must be non-empty and must not contain '|'");
        }
    }
}
