package io.cdrpipeline.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The operator's HTTP endpoint: {@code /metrics} (Prometheus text), {@code /health/live}
 * (the process should be restarted when this fails) and {@code /health/ready} (send traffic or
 * count this instance when this succeeds). Built on the JDK's HTTP server.
 */
public final class OpsServer implements AutoCloseable {

    private final HttpServer server;

    public OpsServer(int port, PrometheusMeterRegistry registry, Supplier<Health.Status> health) throws IOException {
        this("0.0.0.0", port, registry, health);
    }

    public OpsServer(String bind, int port, PrometheusMeterRegistry registry, Supplier<Health.Status> health)
            throws IOException {
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 0);
        } catch (java.net.BindException e) {
            throw new io.cdrpipeline.config.ConfigException("ops.port: cannot listen on " + bind + ":" + port + " ("
                    + e.getMessage() + "); choose another ops.port / ops.bind, or -1 to turn the endpoint off");
        }
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/metrics", ex -> reply(ex, 200, "text/plain; version=0.0.4", registry.scrape()));
        server.createContext("/health/live", ex -> {
            Health.Status s = health.get();
            reply(ex, s.live() ? 200 : 503, "application/json", s.json());
        });
        server.createContext("/health/ready", ex -> {
            Health.Status s = health.get();
            reply(ex, s.ready() ? 200 : 503, "application/json", s.json());
        });
        server.createContext("/health", ex -> {
            Health.Status s = health.get();
            reply(ex, s.ready() ? 200 : 503, "application/json", s.json());
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
