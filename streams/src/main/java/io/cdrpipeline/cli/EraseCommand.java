package io.cdrpipeline.cli;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.normalize.ClearNumber;
import io.cdrpipeline.normalize.NumberNormalizer;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.schema.NumberType;
import io.cdrpipeline.schema.SubjectKind;
import io.cdrpipeline.serde.AvroSerde;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Files an erasure request. The subject is turned into its tokens — its pseudonym under every
 * key epoch — here, on the billing side where the keys are, so the request topic never carries
 * the clear number. Analytics records of the subject go at the next sweep; billing records too,
 * unless a legal hold covers their account.
 */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "Request erasure of a subject's data (a phone number or an account).")
final class EraseCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Subject subject;

    static final class Subject {
        @Option(names = "--subject", paramLabel = "NUMBER", description = "Phone number (E.164, or national with --region).")
        String number;

        @Option(names = "--account", paramLabel = "ACCOUNT", description = "Account code.")
        String account;
    }

    @Option(names = "--region", defaultValue = "ZZ", description = "Region for a national number (default: E.164 only).")
    String region;

    @Option(names = "--reason", description = "Why (kept with the request; do not put personal data here).")
    String reason;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = kafka.load();
        KeyRing keys = RunCommand.loadKeys(config);
        Pseudonymizer pseudonymizer = new Pseudonymizer(keys, new NumberFacts(10));
        Map<String, String> tokens;
        SubjectKind kind;
        if (subject.number != null) {
            ClearNumber n = new NumberNormalizer(10).normalize(subject.number, region.toUpperCase(), 0);
            if (n == null || n.type() != NumberType.E164) {
                throw new IllegalArgumentException("--subject is not a phone number libphonenumber accepts"
                        + (region.equals("ZZ") ? " (a national number needs --region)" : " in region " + region));
            }
            tokens = pseudonymizer.numberTokens(n.value());
            kind = SubjectKind.NUMBER;
        } else {
            tokens = pseudonymizer.accountTokens(subject.account.strip());
            kind = SubjectKind.ACCOUNT;
        }
        String requestId = UUID.randomUUID().toString();
        AvroSerde<ErasureRequest> serde = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
        try (ControlTopics control = new ControlTopics(config)) {
            for (var t : tokens.entrySet()) {
                control.send(config.get("topic.erasure-requests"), t.getValue(), serde.encode(ErasureRequest.newBuilder()
                        .setRequestId(requestId).setSubjectKind(kind).setKeyEpoch(t.getKey()).setReason(reason)
                        .setRequestedAt(Instant.now()).build()));
            }
        }
        System.out.printf("erasure request %s filed: %s subject, %d key epoch(s), on %s%n", requestId,
                kind.toString().toLowerCase(), tokens.size(), config.get("topic.erasure-requests"));
        return 0;
    }
}
