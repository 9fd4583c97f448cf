package io.cdrpipeline.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import io.cdrpipeline.config.ConfigException;
import java.net.BindException;

/**
 * The operator's HTTP endpoint: {@code /metrics} (Prometheus text), {@code /health/live}
 * (the process should be restarted when this fails) and {@code /health/ready} (send traffic or
 * count this instance when this succeeds). On Jetty, like the ingest: a slow or stalled client
 * costs a connection (at most 64, idle ones closed after 10 s), never the thread that answers the
 * orchestrator's liveness probe.
 */
public final class OpsServer implements AutoCloseable {

    private final Server server;
    private final ServerConnector connector;

    public OpsServer(int port, PrometheusMeterRegistry registry, Supplier<Health.Status> health) throws IOException {
        this("0.0.0.0", port, registry, health);
    }

    public OpsServer(String bind, int port, PrometheusMeterRegistry registry, Supplier<Health.Status> health)
            throws IOException {
        QueuedThreadPool threads = new QueuedThreadPool(8, 2);
        threads.setName("ops-http");
        threads.setDaemon(true);
        server = new Server(threads);
        connector = new ServerConnector(server);
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(10_000);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(64, server));
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String path = request.getHttpURI().getPath();
                if (path.equals("/metrics")) {
                    reply(response, callback, 200, "text/plain; version=0.0.4", registry.scrape());
                } else if (path.equals("/health/live")) {
                    Health.Status s = health.get();
                    reply(response, callback, s.live() ? 200 : 503, "application/json", s.json());
                } else if (path.equals("/health/ready") || path.equals("/health")) {
                    Health.Status s = health.get();
                    reply(response, callback, s.ready() ? 200 : 503, "application/json", s.json());
                } else {
                    reply(response, callback, 404, "text/plain", "/metrics /health/live /health/ready\n");
                }
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            try {
                server.stop();
            } catch (Exception ignored) {
                // nothing more to release
            }
            if (e instanceof BindException || e.getCause() instanceof BindException) {
                throw new ConfigException("ops.port: cannot listen on " + bind + ":" + port + " ("
                        + e.getMessage() + "); choose another ops.port / ops.bind, or -1 to turn the endpoint off");
            }
            throw new IOException("ops endpoint on " + bind + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    private static void reply(Response response, Callback callback, int status, String type, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        Content.Sink.write(response, true, body, callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping a server that failed: nothing left to release
        }
    }
}
