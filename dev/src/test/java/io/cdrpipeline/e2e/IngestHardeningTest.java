package io.cdrpipeline.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cdrpipeline.broker.EmbeddedKafka;
import io.cdrpipeline.demo.SampleCorpus;
import io.cdrpipeline.ingest.CdrFormat;
import io.cdrpipeline.produce.HttpIngest;
import io.cdrpipeline.produce.IngestCredentials;
import io.cdrpipeline.produce.IngestSettings;
import io.cdrpipeline.produce.RawProducer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP ingest as a hostile network tries it: slow clients (headers one byte at a time, a body
 * that never comes) while real posts must keep being answered within a second; a credential that
 * tries to post for another switch; TLS and client certificates; a full queue; Kafka gone.
 */
class IngestHardeningTest {

    private static final Path WORK = Path.of("target", "ingest-hard-" + System.nanoTime()).toAbsolutePath();
    private static final String PASSWORD = "s3cret-for-lon";
    private static EmbeddedKafka kafka;
    private static String doc;

    @BeforeAll
    static void broker() throws Exception {
        kafka = EmbeddedKafka.start(WORK.resolve("broker"), 0, Map.of());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("http.raw", 1, (short) 1))).all().get();
        }
        doc = new String(SampleCorpus.files().stream().filter(f -> f.path().contains("a_7f4d")).findFirst()
                .orElseThrow().bytes(), StandardCharsets.UTF_8);
    }

    @AfterAll
    static void stop() {
        kafka.close();
    }

    private static IngestCredentials twoSwitches() {
        return IngestCredentials.parse("# user:password:source[:format]\nfs-lon:" + PASSWORD + ":fs-lon\n"
                + "pbx-ber:other-pass-of-berlin:pbx-ber:asterisk-csv\n", "test");
    }

    private static RawProducer producer() {
        return new RawProducer(kafka.bootstrapServers(), "http.raw", Map.of("linger.ms", "1"));
    }

    private static HttpRequest post(String base, String query, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "/cdr" + query)).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(doc));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password)
                    .getBytes(StandardCharsets.UTF_8)));
        }
        return b.build();
    }

    @Test
    void shouldKeepAnsweringValidPostsWhileSlowClientsHoldConnections() throws Exception {
        IngestSettings s = IngestSettings.loopback("fs-lon", 65_536, null).withCredentials(twoSwitches())
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(10));
        HttpClient http = HttpClient.newHttpClient();
        try (RawProducer producer = producer(); HttpIngest ingest = new HttpIngest(s, producer)) {
            String base = "http://127.0.0.1:" + ingest.port();
            assertThat(http.send(post(base, "", "fs-lon", PASSWORD), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("warm-up post").isEqualTo(200);
            for (int slow : new int[] {4, 200}) {
                List<Socket> sockets = new ArrayList<>();
                Thread dribbler = null;
                try {
                    for (int i = 0; i < slow; i++) {
                        Socket socket = new Socket("127.0.0.1", ingest.port());
                        sockets.add(socket);
                        // half of them dribble headers, half send headers and then a body that never arrives
                        String head = i % 2 == 0 ? "POST /cdr HTTP/1.1\r\nHost: x\r\n"
                                : "POST /cdr HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + Base64.getEncoder()
                                        .encodeToString(("fs-lon:" + PASSWORD).getBytes(StandardCharsets.UTF_8))
                                        + "\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n{";
                        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    }
                    dribbler = new Thread(() -> {
                        try {
                            while (!Thread.currentThread().isInterrupted()) {
                                for (Socket sk : sockets) {
                                    try {
                                        sk.getOutputStream().write('X');
                                    } catch (Exception closed) {
                                        // the server cut it: that is the point
                                    }
                                }
                                Thread.sleep(200);
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    dribbler.setDaemon(true);
                    dribbler.start();
                    for (int i = 0; i < 10; i++) {
                        // Each post may wait the header timeout at most: a server that served it only once the slow
                        // clients were cut (at that timeout) fails here.
                        HttpRequest quick = HttpRequest.newBuilder(post(base, "", "fs-lon", PASSWORD), (n, v) -> true)
                                .timeout(Duration.ofSeconds(3)).build();
                        HttpResponse<String> r = http.send(quick, HttpResponse.BodyHandlers.ofString());
                        assertThat(r.statusCode()).as("post %d with %d slow clients", i, slow).isEqualTo(200);
                    }
                    // The slow ones are cut: headers at the header timeout, bodies at the body timeout (408).
                    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
                    int closed = 0;
                    for (Socket sk : sockets) {
                        sk.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                        if (readAll(sk.getInputStream()) != null) {
                            closed++;
                        }
                    }
                    assertThat(closed).as("slow connections cut by the server").isEqualTo(slow);
                } finally {
                    if (dribbler != null) {
                        dribbler.interrupt();
                    }
                    for (Socket sk : sockets) {
                        sk.close();
                    }
                }
            }
        }
    }

    /** Everything the server sent until it closed the connection; null when it did not close in time. */
    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (java.net.SocketTimeoutException e) {
            return null;
        } catch (java.io.IOException e) {
            return "reset";
        }
    }

    @Test
    void shouldCutABodyThatNeverArrivesWith408AtTheTimeout() throws Exception {
        IngestSettings s = IngestSettings.loopback("fs-lon", 65_536, "fs-lon:" + PASSWORD)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(2), Duration.ofSeconds(10));
        try (RawProducer producer = producer(); HttpIngest ingest = new HttpIngest(s, producer);
                Socket socket = new Socket("127.0.0.1", ingest.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /cdr HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + Base64.getEncoder().encodeToString(
                    ("fs-lon:" + PASSWORD).getBytes(StandardCharsets.UTF_8)) + "\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n{\"variables\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(8000);
            long t0 = System.nanoTime();
            String answer = readAll(socket.getInputStream());
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(answer).as("the server answers and closes").isNotNull().startsWith("HTTP/1.1 408");
            assertThat(ms).as("cut at the 2 s body timeout").isBetween(1500L, 6000L);
        }
    }

    @Test
    void shouldBindEachCredentialToItsSourceAndFormat() throws Exception {
        IngestSettings s = IngestSettings.loopback("fs-lon", 65_536, null).withCredentials(twoSwitches());
        HttpClient http = HttpClient.newHttpClient();
        try (RawProducer producer = producer(); HttpIngest ingest = new HttpIngest(s, producer)) {
            String base = "http://127.0.0.1:" + ingest.port();
            assertThat(status(http, post(base, "?source=fs-lon", "fs-lon", PASSWORD))).isEqualTo(200);
            assertThat(status(http, post(base, "?source=pbx-ber", "fs-lon", PASSWORD))).as("another switch").isEqualTo(403);
            assertThat(status(http, post(base, "?format=asterisk-csv", "fs-lon", PASSWORD))).as("another format").isEqualTo(403);
            assertThat(status(http, post(base, "", "fs-lon", "other-pass-of-berlin"))).as("another switch's password").isEqualTo(401);
            // Issue 23: only the documented endpoint takes CDRs; any other path is no endpoint.
            assertThat(status(http, HttpRequest.newBuilder(URI.create(base + "/admin/upload")).timeout(Duration.ofSeconds(20))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("fs-lon:" + PASSWORD)
                            .getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofString(doc)).build())).as("another path").isEqualTo(404);
            assertThat(status(http, post(base, "", "fs-lon", PASSWORD + "x"))).as("wrong password").isEqualTo(401);
            assertThat(status(http, post(base, "", null, null))).as("no credentials").isEqualTo(401);
        }
        assertThat(IngestCredentials.parse("a:pass-of-switch-a:src\n", "f").authenticate("Basic " + Base64.getEncoder()
                .encodeToString("a:pass-of-switch-a".getBytes(StandardCharsets.UTF_8)))).get()
                .isEqualTo(new IngestCredentials.Binding("a", "src", CdrFormat.FREESWITCH_JSON));
    }

    private static int status(HttpClient http, HttpRequest r) throws Exception {
        return http.send(r, HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheQueueIsFullAndWithinTheKafkaTimeoutWhenKafkaIsGone() throws Exception {
        IngestSettings base = IngestSettings.loopback("fs-lon", 65_536, "fs-lon:" + PASSWORD)
                .withTimeouts(Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(3));
        IngestSettings s = new IngestSettings(base.bind(), 0, base.maxBytes(), base.credentials(), "fs-lon",
                CdrFormat.FREESWITCH_JSON, base.headerTimeout(), base.bodyTimeout(), base.idleTimeout(), 1, 0,
                Duration.ofMillis(100), base.kafkaTimeout(), 100, null);
        HttpClient http = HttpClient.newHttpClient();
        // A producer whose cluster never answers: the send waits for metadata, then fails.
        try (RawProducer dead = new RawProducer("127.0.0.1:1", "http.raw", Map.of("max.block.ms", "2500",
                "delivery.timeout.ms", "3000", "request.timeout.ms", "1000", "linger.ms", "0"));
                HttpIngest ingest = new HttpIngest(s, dead)) {
            String url = "http://127.0.0.1:" + ingest.port();
            var first = http.sendAsync(post(url, "", "fs-lon", PASSWORD), HttpResponse.BodyHandlers.ofString());
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20))
                    .until(() -> ingest.waitingForKafka() == 1);   // the first post holds the only slot
            HttpResponse<String> second = http.send(post(url, "", "fs-lon", PASSWORD), HttpResponse.BodyHandlers.ofString());
            assertThat(second.statusCode()).as("queue full").isEqualTo(503);
            assertThat(second.headers().firstValue("Retry-After")).isPresent();
            long t0 = System.nanoTime();
            HttpResponse<String> r = first.get();
            assertThat(r.statusCode()).as("Kafka gone").isEqualTo(503);
            assertThat(r.body()).contains("retry");
            assertThat((System.nanoTime() - t0) / 1_000_000).as("answered within the Kafka timeout").isLessThan(5000);
        }
    }

    @Test
    void shouldServeTlsAndRequireClientCertificatesWhenAskedTo() throws Exception {
        Path dir = Files.createDirectories(WORK.resolve("tls"));
        Path server = keyPair(dir, "server", "CN=localhost", "SAN=dns:localhost,ip:127.0.0.1");
        Path client = keyPair(dir, "client", "CN=fs-lon", null);
        Path serverTrust = dir.resolve("server-trust.p12");
        Keytool.run("-importcert", "-noprompt", "-alias", "client", "-file", dir.resolve("client.pem").toString(),
                "-keystore", serverTrust.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        SSLContext trustingServer = sslContext(dir.resolve("server.pem"), null);
        SSLContext withClientCert = sslContext(dir.resolve("server.pem"), client);
        IngestSettings s = IngestSettings.loopback("fs-lon", 65_536, "fs-lon:" + PASSWORD)
                .withTls(new IngestSettings.Tls(server, "changeit", List.of("TLSv1.3", "TLSv1.2"), "none", null, null));
        try (RawProducer producer = producer(); HttpIngest ingest = new HttpIngest(s, producer)) {
            HttpClient https = HttpClient.newBuilder().sslContext(trustingServer).build();
            assertThat(status(https, post("https://127.0.0.1:" + ingest.port(), "", "fs-lon", PASSWORD))).isEqualTo(200);
            assertThatThrownBy(() -> status(HttpClient.newHttpClient(), post("http://127.0.0.1:" + ingest.port(), "",
                    "fs-lon", PASSWORD))).as("plain HTTP on the TLS port").isInstanceOf(java.io.IOException.class);
        }
        IngestSettings mtls = s.withTls(new IngestSettings.Tls(server, "changeit", List.of("TLSv1.3"), "need", serverTrust,
                "changeit"));
        try (RawProducer producer = producer(); HttpIngest ingest = new HttpIngest(mtls, producer)) {
            String url = "https://127.0.0.1:" + ingest.port();
            assertThat(status(HttpClient.newBuilder().sslContext(withClientCert).build(), post(url, "", "fs-lon", PASSWORD)))
                    .as("with the switch's certificate").isEqualTo(200);
            assertThatThrownBy(() -> status(HttpClient.newBuilder().sslContext(trustingServer).build(),
                    post(url, "", "fs-lon", PASSWORD))).as("without a client certificate").isInstanceOf(java.io.IOException.class);
        }
    }

    private static Path keyPair(Path dir, String name, String dname, String san) throws Exception {
        Path ks = dir.resolve(name + ".p12");
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", dname, "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "changeit"));
        if (san != null) {
            args.addAll(List.of("-ext", san));
        }
        Keytool.run(args.toArray(String[]::new));
        Keytool.run("-exportcert", "-rfc", "-alias", name, "-file", dir.resolve(name + ".pem").toString(), "-keystore",
                ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        return ks;
    }

    private static SSLContext sslContext(Path trustedPem, Path clientKeyStore) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(trustedPem)) {
            trust.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (clientKeyStore != null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(clientKeyStore)) {
                ks.load(in, "changeit".toCharArray());
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, "changeit".toCharArray());
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }
}
