package io.cdrpipeline.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.streams.KafkaStreams;
import java.util.HashMap;

/**
 * Liveness and readiness of an instance. Live while Kafka Streams has not failed for good.
 * Ready while it is RUNNING and the cluster answered a probe recently: Kafka Streams stays
 * RUNNING while its broker is away, so readiness needs the probe to reflect an outage.
 */
public final class Health implements AutoCloseable {

    private static final Duration PROBE_EVERY = Duration.ofSeconds(1);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration STALE_AFTER = Duration.ofSeconds(5);

    private final KafkaStreams streams;
    private final Admin admin;
    private final ScheduledExecutorService probe;
    private volatile Instant lastContact = Instant.EPOCH;

    /** What the endpoints report. */
    public record Status(String state, boolean live, boolean ready, long secondsSinceBrokerContact) {

        public String json() {
            return "{\"state\":\"" + state + "\",\"live\":" + live + ",\"ready\":" + ready
                    + ",\"secondsSinceBrokerContact\":" + secondsSinceBrokerContact + "}";
        }
    }

    private final Duration startupTimeout;
    private final Instant created = Instant.now();

    public Health(KafkaStreams streams, Map<String, Object> adminProps) {
        this(streams, adminProps, Duration.ofSeconds(30));
    }

    public Health(KafkaStreams streams, Map<String, Object> adminProps, Duration startupTimeout) {
        this.streams = streams;
        this.startupTimeout = startupTimeout;
        Map<String, Object> props = new HashMap<>(adminProps);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) PROBE_TIMEOUT.toMillis());
        this.admin = Admin.create(props);
        this.probe = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "broker-probe");
            t.setDaemon(true);
            return t;
        });
        probe.scheduleWithFixedDelay(this::probeOnce, 0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probeOnce() {
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) PROBE_TIMEOUT.toMillis()))
                    .clusterId().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            lastContact = Instant.now();
        } catch (Exception e) {
            // no contact this time; readiness goes stale on its own
        }
    }

    public Status status() {
        KafkaStreams.State s = streams.state();
        long since = Duration.between(lastContact, Instant.now()).toSeconds();
        // Not live either: not running and no broker contact for longer than the start-up timeout (a
        // pipeline that cannot start; while running, Streams rides out an outage by itself).
        Instant lastSeen = lastContact.isAfter(created) ? lastContact : created;
        boolean stuck = s != KafkaStreams.State.RUNNING
                && Duration.between(lastSeen, Instant.now()).compareTo(startupTimeout) > 0;
        boolean live = s != KafkaStreams.State.ERROR && s != KafkaStreams.State.PENDING_ERROR
                && s != KafkaStreams.State.NOT_RUNNING && !stuck;
        boolean ready = s == KafkaStreams.State.RUNNING && since < STALE_AFTER.toSeconds();
        return new Status(s.name(), live, ready, since);
    }

    @Override
    public void close() {
        probe.shutdownNow();
        admin.close(Duration.ofSeconds(1));
    }
}
