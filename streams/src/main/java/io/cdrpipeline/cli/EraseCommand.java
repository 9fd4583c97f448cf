package io.cdrpipeline.cli;

import io.cdrpipeline.catalogue.Role;

import io.cdrpipeline.config.KafkaClients;
import io.cdrpipeline.config.TopicReader;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.pseudonymize.SubjectSealing;
import io.cdrpipeline.retention.ControlKeys;
import io.cdrpipeline.retention.RetentionPolicy;
import io.cdrpipeline.schema.ErasureReason;
import io.cdrpipeline.schema.ErasureRequest;
import io.cdrpipeline.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Files an erasure request, holding no key material: the subject is sealed to the pipeline's
 * public key (which the pipeline publishes on the request topic) and filed under
 * {@code cdr-pipeline#request#<id>}. The pipeline opens it and files the subject's token under
 * every key epoch at its next maintenance (every sweep interval), so the topic never carries the
 * clear number and the operator's principal needs neither the master key nor the key topic.
 * Analytics records of the subject go at the next sweep after that; billing records too, unless a
 * legal hold covers their account.
 */
@Command(name = "erase", mixinStandardHelpOptions = true,
        description = "Request erasure of a subject's data (a phone number, SIP identity, extension, account, or one record).")
final class EraseCommand implements Callable<Integer> {

    private static final AvroSerde<ErasureRequest> REQUESTS = new AvroSerde<>(ErasureRequest.class,
            ErasureRequest.getClassSchema());

    @Mixin
    ConfigOptions kafka;

    @Mixin
    SubjectOptions who;

    @Option(names = "--reason", defaultValue = "SUBJECT_REQUEST",
            description = "Why, as a code: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}). Free text is not kept.")
    ErasureReason reason;

    @Option(names = "--case", paramLabel = "REF", description = "Your ticket or case id (1-64 of A-Z a-z 0-9 . _ : / -).")
    String caseReference;

    @Override
    public Integer call() throws Exception {
        PipelineConfig config = kafka.loadFor(Role.OPS, OwnedTopic.ERASURE_REQUESTS);
        SubjectOptions.Resolved subject = who.resolve(config);
        String caseRef = CaseReferences.check(caseReference);
        String topic = config.topic(OwnedTopic.ERASURE_REQUESTS);
        String publicKey = sealingKey(config, topic);
        if (publicKey == null) {
            System.err.println("erase: no pipeline has published its erasure sealing key on " + topic + " yet; start "
                    + "`cdr-pipeline run` (it publishes the key within one sweep interval) and try again");
            return 1;
        }
        String requestId = UUID.randomUUID().toString();
        ErasureRequest request = ErasureRequest.newBuilder().setRequestId(requestId).setSubjectKind(subject.kind())
                .setKeyEpoch("").setReasonCode(reason).setCaseReference(caseRef).setRequestedAt(Instant.now())
                .setSealedSubject(SubjectSealing.seal(publicKey, subject.input(), requestId)).build();
        try (ControlTopics control = new ControlTopics(config)) {
            control.send(topic, ControlKeys.sealedRequest(requestId), REQUESTS.encode(request));
        }
        System.out.printf("erasure request %s filed: %s subject, on %s; the pipeline files its token under every key "
                        + "epoch within one sweep interval (%s), and erases at the sweep after%n", requestId,
                subject.kind().toString().toLowerCase(), topic, RetentionPolicy.of(config).sweepInterval());
        return 0;
    }

    /** The public key the pipeline published, or null when none has. */
    private static String sealingKey(PipelineConfig config, String topic) {
        String[] key = {null};
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.consumer(config), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicReader.readWhole(c, topic, r -> {
                if (ControlKeys.SEALING_KEY.equals(r.key())) {
                    key[0] = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
                }
            });
        }
        return key[0];
    }
}
