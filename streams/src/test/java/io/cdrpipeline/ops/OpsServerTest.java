package io.cdrpipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.config.ConfigException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The ops endpoint answers the orchestrator while slow clients hold connections; a busy port names the setting. */
class OpsServerTest {

    @Test
    void shouldAnswerHealthWhileSlowClientsHoldConnectionsAndNameTheSettingWhenThePortIsTaken() throws Exception {
        AtomicBoolean live = new AtomicBoolean(true);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.counter("cdr_test").increment();
        try (OpsServer ops = new OpsServer("127.0.0.1", 0, registry,
                () -> new Health.Status("RUNNING", live.get(), live.get(), 0))) {
            List<Socket> slow = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Socket s = new Socket("127.0.0.1", ops.port());
                s.getOutputStream().write("GET /health/live HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
                slow.add(s);
            }
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            String base = "http://127.0.0.1:" + ops.port();
            // Answered (get waits 5 s at most) while the 20 stalled clients still hold their connections: the
            // server cuts them only at its 10 s idle timeout, so it did not wait for them to go.
            assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
            for (Socket s : slow) {
                s.setSoTimeout(1);
                assertThatThrownBy(() -> s.getInputStream().read()).as("a stalled client, still connected and unanswered")
                        .isInstanceOf(SocketTimeoutException.class);
            }
            HttpResponse<String> metrics = get(http, base + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("cdr_test_total");
            live.set(false);
            assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(503);
            assertThat(get(http, base + "/health/ready").statusCode()).isEqualTo(503);
            assertThat(get(http, base + "/nothing").statusCode()).isEqualTo(404);
            assertThatThrownBy(() -> new OpsServer("127.0.0.1", ops.port(), registry,
                    () -> new Health.Status("RUNNING", true, true, 0)))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("ops.port").hasMessageContaining("-1");
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
