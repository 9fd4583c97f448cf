package io.cdrpipeline.produce;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.QoSHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/** At most maxInFlight posts wait for Kafka; maxQueued more wait up to queueWait; the rest get 503 + Retry-After. */
final class IngestGate extends QoSHandler {

IngestGate(IngestSettings s) {
        setMaxRequestCount(s.maxInFlight());
        setMaxSuspendedRequestCount(s.maxQueued());
        setMaxSuspend(s.queueWait());
        setRejectStatusCode(503);
    }

    @Override
    protected void reject(Request request, Response response, Callback callback, int status) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        super.reject(request, response, callback, status);
    }

    @Override
    protected void expireSuspended(Request request, Response response, Callback callback) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
        super.expireSuspended(request, response, callback);
    }

    /** HTTPS from a PKCS12 key store; client certificates asked for ({@code want}) or required ({@code need}). */
    static SslContextFactory.Server ssl(IngestSettings.Tls tls) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(tls.keyStore().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(tls.keyStorePassword());
        ssl.setIncludeProtocols(tls.protocols().toArray(String[]::new));
        ssl.setNeedClientAuth(tls.clientAuth().equals("need"));
        ssl.setWantClientAuth(tls.clientAuth().equals("want"));
        if (tls.trustStore() != null) {
            ssl.setTrustStorePath(tls.trustStore().toString());
            ssl.setTrustStoreType("PKCS12");
            ssl.setTrustStorePassword(tls.trustStorePassword());
        }
        return ssl;
    }
}
