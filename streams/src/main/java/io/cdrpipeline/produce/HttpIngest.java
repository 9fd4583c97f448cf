package io.cdrpipeline.produce;

import io.cdrpipeline.ingest.CdrHeaders;
import io.cdrpipeline.ingest.CdrFormat;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Accepts what FreeSWITCH {@code mod_json_cdr} posts — a form field {@code cdr} holding the
 * URL-encoded JSON document (the default {@code encode=true}), base64 ({@code encode=base64}), or
 * the JSON document itself ({@code encode=false}) — and answers 200 only once Kafka has
 * acknowledged the record, so FreeSWITCH retries (or spools to disk) whatever we could not store.
 *
 * <p>Built on Jetty for hostile networks: headers and bodies are read without a thread (a slow
 * client holds a connection, never a worker), headers must arrive within the header timeout and a
 * body within the body timeout (408), connections are capped, bodies over the limit get 413, and
 * at most {@code maxInFlight} posts wait for Kafka with a bounded queue behind them (503 with
 * {@code Retry-After} when full). Kafka's answer is awaited without a thread too, at most the
 * Kafka timeout (503 after it, logged at most every 10 s). Each credential is bound to a source
 * and format ({@link IngestCredentials}); a post naming another source or format is refused (403).
 */
public final class HttpIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngest.class);
    private static final String BODY = "cdr.body";

    private final Server server;
    private final ServerConnector connector;
    private final RawProducer producer;
    private final IngestSettings settings;
    private final SlowClientGuard guard;
    private final AtomicLong failuresSinceLog = new AtomicLong();
    private final AtomicInteger waitingForKafka = new AtomicInteger();
    private volatile long lastFailureLog;

    public HttpIngest(IngestSettings settings, RawProducer producer) throws IOException {
        this.settings = settings;
        this.producer = producer;
        this.guard = new SlowClientGuard(settings.headerTimeout());
        QueuedThreadPool threads = new QueuedThreadPool(16, 4);
        threads.setName("ingest-http");
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(false);
        HttpConnectionFactory h1 = new HttpConnectionFactory(http);
        connector = settings.tls() == null ? new ServerConnector(server, h1)
                : new ServerConnector(server, new SslConnectionFactory(IngestGate.ssl(settings.tls()), h1.getProtocol()), h1);
        connector.setHost(settings.bind());
        connector.setPort(settings.port());
        connector.setIdleTimeout(settings.idleTimeout().toMillis());
        connector.addBean(guard);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(settings.maxConnections(), server));
        QoSHandler kafkaGate = new IngestGate(settings);
        kafkaGate.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                store(request, response, callback);
                return true;
            }
        });
        server.setHandler(new Reader(kafkaGate));
        if (settings.credentials() == null) {
            LOG.warn("INSECURE: ingest.http.insecure.unauthenticated=true: anyone who reaches port {} can post CDRs for "
                    + "any source; set ingest.http.credentials.file", settings.port());
        }
        if (settings.tls() == null) {
            LOG.warn("ingest serves plain HTTP: credentials travel in clear; set ingest.http.tls.keystore");
        }
        try {
            server.start();
        } catch (Exception e) {
            throw new IOException("ingest.http.port " + settings.bind() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        sweepSoon();
    }

    private void sweepSoon() {
        if (server.isRunning()) {
            server.getScheduler().schedule(() -> {
                guard.sweep();
                sweepSoon();
            }, 250, TimeUnit.MILLISECONDS);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    /** Authenticates, fixes source and format, and reads the body without a thread, within the body timeout. */
    /** Where CDRs are posted: {@code /cdr} (the documented URL) or the root. Any other path is no endpoint. */
    private static final Set<String> ENDPOINTS = Set.of("/cdr", "/");

    private final class Reader extends Handler.Wrapper {

        Reader(Handler next) {
            super(next);
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            var connection = request.getConnectionMetaData().getConnection();
            guard.requestStarted(connection);
            Callback done = Callback.from(callback, () -> guard.requestDone(connection));
            String path = request.getHttpURI().getPath();
            if (!ENDPOINTS.contains(path == null ? "" : path)) {
                refuseUnread(response, done, 404, "no such endpoint: POST CDRs to /cdr");
                return true;
            }
            if (!request.getMethod().equals("POST")) {
                refuseUnread(response, done, 405, "POST a CDR");
                return true;
            }
            Map<String, String> query = PostedDocument.fields(request.getHttpURI().getQuery());
            String source;
            CdrFormat format;
            if (settings.credentials() != null) {
                var binding = settings.credentials().authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
                if (binding.isEmpty()) {
                    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Basic realm=\"cdr-pipeline\"");
                    refuseUnread(response, done, 401, "credentials required");
                    return true;
                }
                source = binding.get().source();
                format = binding.get().format();
                if (!query.getOrDefault("source", source).equals(source)
                        || !CdrFormat.parse(query.getOrDefault("format", format.id())).equals(Optional.of(format))) {
                    refuseUnread(response, done, 403, "this credential posts " + format.id() + " for source " + source + " only");
                    return true;
                }
            } else {
                source = query.getOrDefault("source", settings.defaultSource());
                format = CdrFormat.parse(query.getOrDefault("format", settings.defaultFormat().id())).orElse(null);
                if (format == null || !source.matches("[A-Za-z0-9._-]{1,128}")) {
                    refuseUnread(response, done, 400, "bad source or format parameter");
                    return true;
                }
            }
            if (request.getLength() > settings.maxBytes()) {
                refuseUnread(response, done, 413, "body exceeds " + settings.maxBytes() + " bytes");
                return true;
            }
            AtomicBoolean late = new AtomicBoolean();
            var timer = server.getScheduler().schedule(() -> {
                late.set(true);
                request.fail(new TimeoutException("body not received within " + settings.bodyTimeout()));
            }, settings.bodyTimeout().toMillis(), TimeUnit.MILLISECONDS);
            String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
            Content.Source.asByteArrayAsync(request, settings.maxBytes() + 1).whenComplete((body, failure) -> {
                timer.cancel();
                if (failure != null || body == null) {
                    if (late.get()) {
                        reply(response, done, 408, "body not received within " + settings.bodyTimeout().toSeconds() + " s");
                    } else {
                        reply(response, done, 413, "body exceeds " + settings.maxBytes() + " bytes");
                    }
                    return;
                }
                if (body.length > settings.maxBytes()) {
                    reply(response, done, 413, "body exceeds " + settings.maxBytes() + " bytes");
                    return;
                }
                byte[] doc = PostedDocument.extract(body, type);
                if (doc == null) {
                    reply(response, done, 400, "not a mod_json_cdr post: expected a JSON object or a form field cdr holding one");
                    return;
                }
                request.setAttribute(BODY, doc);
                request.setAttribute(CdrHeaders.FORMAT, format);
                request.setAttribute(CdrHeaders.SOURCE, source);
                try {
                    if (!getHandler().handle(request, response, done)) {
                        reply(response, done, 500, "not handled");
                    }
                } catch (Exception e) {
                    reply(response, done, 500, "internal error");
                }
            });
            return true;
        }
    }

    /** Posts whose record Kafka has not yet acknowledged (or refused). */
    public int waitingForKafka() {
        return waitingForKafka.get();
    }

    private void store(Request request, Response response, Callback callback) {
        byte[] doc = (byte[]) request.getAttribute(BODY);
        waitingForKafka.incrementAndGet();
        producer.sendAsync(doc, (CdrFormat) request.getAttribute(CdrHeaders.FORMAT), (String) request.getAttribute(CdrHeaders.SOURCE), "http")
                .orTimeout(settings.kafkaTimeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ok, failure) -> {
                    waitingForKafka.decrementAndGet();
                    if (failure == null) {
                        reply(response, callback, 200, "stored");
                    } else {
                        logFailure(failure);
                        response.getHeaders().put(HttpHeader.RETRY_AFTER, "5");
                        reply(response, callback, 503, "could not store the record; retry");
                    }
                });
    }

    /** Failed writes to Kafka, at most one line every 10 s (with the count); exception classes only, never content. */
    private void logFailure(Throwable failure) {
        long n = failuresSinceLog.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastFailureLog > TimeUnit.SECONDS.toNanos(10)) {
            lastFailureLog = now;
            failuresSinceLog.addAndGet(-n);
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            LOG.warn("ingest: {} post(s) answered 503: Kafka did not acknowledge within {} ({})", n,
                    settings.kafkaTimeout(), cause.getClass().getName());
        }
    }

    /**
     * An answer given before the body was read: the connection closes after it, and says so — else
     * a client reuses a connection the server is closing behind the response (Jetty cannot keep it once
     * a body is left unread) and its next request gets no answer at all.
     */
    private static void refuseUnread(Response response, Callback callback, int status, String text) {
        response.getHeaders().put(HttpHeader.CONNECTION, "close");
        reply(response, callback, status, text);
    }

    private static void reply(Response response, Callback callback, int status, String text) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
        Content.Sink.write(response, true, text + "\n", callback);
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("ingest: stopping the HTTP server failed: {}", e.getClass().getName());
        }
    }
}
