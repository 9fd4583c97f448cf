package io.cdrpipeline.cli;

import io.cdrpipeline.config.PipelineConfig;
import io.cdrpipeline.produce.HttpIngest;
import io.cdrpipeline.produce.RawProducer;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs the HTTP endpoint that FreeSWITCH mod_json_cdr posts to. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Serve the HTTP endpoint for FreeSWITCH mod_json_cdr (url=http://host:8081/?source=NAME); "
                + "answers 200 only after Kafka has the record.")
final class IngestCommand implements Callable<Integer> {

    @Mixin
    KafkaOptions kafka;

    @Override
    public Integer call() throws Exception {
        PipelineConfig c = kafka.load();
        c.requireSource(c.get("ingest.http.source"));
        RawProducer producer = new RawProducer(c);
        HttpIngest ingest = new HttpIngest(c.intValue("ingest.http.port", 0, 65_535), producer,
                c.get("ingest.http.source"), c.intValue("ingest.max.payload.bytes", 1024, 16 * 1024 * 1024),
                c.get("ingest.http.credentials"));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ingest.close();
            producer.close();
            stopped.countDown();
        }, "ingest-shutdown"));
        System.err.println("mod_json_cdr endpoint on port " + ingest.port() + " -> " + c.get("topic.raw"));
        stopped.await();
        return 0;
    }
}
