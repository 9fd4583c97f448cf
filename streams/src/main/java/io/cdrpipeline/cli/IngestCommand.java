package io.cdrpipeline.cli;

import io.cdrpipeline.config.Settings;
import io.cdrpipeline.catalogue.OwnedTopic;
import io.cdrpipeline.app.ClusterChecks;
import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.produce.HttpIngest;
import io.cdrpipeline.produce.IngestSettings;
import io.cdrpipeline.produce.RawProducer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import io.cdrpipeline.catalogue.Role;
import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;

/** Runs the HTTP endpoint that FreeSWITCH mod_json_cdr posts to. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Serve the HTTP(S) endpoint for FreeSWITCH mod_json_cdr; each credential posts for its own source; "
                + "answers 200 only after Kafka has the record, 503 (retry) when it cannot within ingest.http.kafka.timeout.")
final class IngestCommand implements Callable<Integer> {

    @Mixin
    ConfigOptions kafka;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = kafka.load();
        IngestSettings settings = IngestSettings.from(c);
        // Every source a credential posts for must be configured (anonymous posts: the default source).
        for (String source : settings.credentials() == null ? Set.of(settings.defaultSource())
                : settings.credentials().sources()) {
            c.requireSource(source);
        }
        ClusterChecks.require(c, Role.PRODUCER, ClusterChecks.needs(c.topic(OwnedTopic.RAW),
                AclOperation.WRITE));
        // A post is answered within the Kafka timeout, whatever the broker does.
        RawProducer producer = new RawProducer(c, settings.kafkaTimeout());
        HttpIngest ingest = new HttpIngest(settings, producer);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingest.close();
            producer.close(c.get(Settings.CLOSE_TIMEOUT));
            stopped.countDown();
        }, "ingest-shutdown"));
        System.err.println("mod_json_cdr endpoint on " + (settings.tls() == null ? "http" : "https") + "://"
                + settings.bind() + ":" + ingest.port() + " -> " + c.topic(OwnedTopic.RAW)
                + (settings.credentials() == null ? "  (INSECURE: no credentials)" : "  (" + settings.credentials().size()
                + " credential(s), each bound to its source)"));
        stopped.await();
        return 0;
    }
}
