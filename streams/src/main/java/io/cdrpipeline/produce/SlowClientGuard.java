package io.cdrpipeline.produce;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.ssl.SslConnection;

/**
 * Closes HTTP connections that take longer than the header timeout to deliver a request: from
 * the moment they open, and again after each answered request. Jetty's idle timeout alone does not
 * stop a client that sends one header byte a second; this does. A slow client costs a
 * connection (bounded by {@code ingest.http.max.connections}), never a worker thread, and not for long.
 */
final class SlowClientGuard implements Connection.Listener {

    private static final class Waiting {
        volatile boolean inRequest;
        volatile long since = System.nanoTime();
    }

    private final Map<Connection, Waiting> open = new ConcurrentHashMap<>();
    private final long timeoutNanos;

    SlowClientGuard(Duration headerTimeout) {
        this.timeoutNanos = headerTimeout.toNanos();
    }

    @Override
    public void onOpened(Connection connection) {
        if (!(connection instanceof SslConnection)) {      // TLS: the HTTP connection on top is the one tracked
            open.put(connection, new Waiting());
        }
    }

    @Override
    public void onClosed(Connection connection) {
        open.remove(connection);
    }

    void requestStarted(Connection connection) {
        Waiting w = open.get(connection);
        if (w != null) {
            w.inRequest = true;
        }
    }

    void requestDone(Connection connection) {
        Waiting w = open.get(connection);
        if (w != null) {
            w.since = System.nanoTime();
            w.inRequest = false;
        }
    }

    /** Closes every connection that has waited for its request's headers longer than the timeout. */
    void sweep() {
        long now = System.nanoTime();
        open.forEach((c, w) -> {
            if (!w.inRequest && now - w.since > timeoutNanos) {
                c.getEndPoint().close();
            }
        });
    }

    int openConnections() {
        return open.size();
    }
}
