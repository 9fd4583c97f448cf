package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.KeyRing;
import io.cdrpipeline.pseudonymize.KeyVault;
import io.cdrpipeline.pseudonymize.NumberFacts;
import io.cdrpipeline.pseudonymize.Pseudonymizer;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.schema.SubjectKind;
import io.cdrpipeline.serde.AvroSerde;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
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

    @Mixin
    SubjectOptions who;

    @Option(names = "--reason", defaultValue = "SUBJECT_REQUEST",
            description = "Why, as a code: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}). Free text is not kept.")
    io.cdrpipeline.schema.ErasureReason reason;

    @Option(names = "--case", paramLabel = "REF", description = "Your ticket or case id (1-64 of A-Z a-z 0-9 . _ : / -).")
    String caseReference;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = kafka.load();
        KeyRing keys = io.cdrpipeline.app.PipelineKeys.loadKeysForTools(config);
        Pseudonymizer pseudonymizer = new Pseudonymizer(keys, new NumberFacts(10));
        SubjectOptions.Resolved subject = who.resolve(config);
        String input = subject.input();
        SubjectKind kind = subject.kind();
        Map<String, String> tokens = pseudonymizer.tokensFor(input);
        // With keys on the key topic, epochs are created later too: seal the subject so that the key
        // service files its token under each new epoch (ErasureRequest.sealedSubject).
        KeyVault vault = io.cdrpipeline.app.PipelineKeys.vaultForTools(config);
        String sealed = vault == null ? null : vault.seal(input, KeyVault.ERASURE_CONTEXT);
        String requestId = UUID.randomUUID().toString();
        AvroSerde<ErasureRequest> serde = new AvroSerde<>(ErasureRequest.class, ErasureRequest.getClassSchema());
        try (ControlTopics control = new ControlTopics(config)) {
            for (var t : tokens.entrySet()) {
                control.send(config.topic(OwnedTopic.ERASURE_REQUESTS), t.getValue(), serde.encode(ErasureRequest.newBuilder()
                        .setRequestId(requestId).setSubjectKind(kind).setKeyEpoch(t.getKey()).setReasonCode(reason)
                        .setCaseReference(CaseReferences.check(caseReference))
                        .setRequestedAt(Instant.now()).setSealedSubject(sealed).build()));
            }
        }
        System.out.printf("erasure request %s filed: %s subject, %d key epoch(s), on %s%n", requestId,
                kind.toString().toLowerCase(), tokens.size(), config.topic(OwnedTopic.ERASURE_REQUESTS));
        return 0;
    }
}
