package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.locksmith.BackendException;
import dev.locksmith.Lease;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;

/**
 * {@code rediss://} against redis-servers of the test's own that speak only TLS, with a throwaway
 * CA: locks, fencing and release notifications work; an untrusted certificate, a wrong host name
 * and a missing client certificate are refused quickly with a {@link BackendException}.
 */
class RedisTlsIT {
    private static final Duration HOUR = Duration.ofHours(1);

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    /** TLS only, client certificates not asked for; listens on 127.0.0.1 and 127.0.0.2. */
    private static RedisServer server;
    /** TLS only, {@code tls-auth-clients yes}. */
    private static RedisServer mutual;

    private final List<Locksmith> clients = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir);
        List<String> args = new ArrayList<>(certs.serverArgs("no"));
        args.addAll(List.of("--bind", "127.0.0.1", "127.0.0.2"));
        server = RedisServer.startTls(clientConfig(trust()), args);
        mutual = RedisServer.startTls(clientConfig(trust() + "&" + clientCert()), certs.serverArgs("yes"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (mutual != null) {
            mutual.close();
        }
    }

    @AfterEach
    void closeClients() {
        clients.forEach(Locksmith::close);
    }

    /** The Jedis settings the provider makes from these TLS settings, for a raw client. */
    private static JedisClientConfig clientConfig(String tlsQuery) {
        RedisUri p = RedisUri.parse(URI.create("rediss://127.0.0.1?" + tlsQuery), Duration.ofSeconds(5));
        return RedisClients.withTls(DefaultJedisClientConfig.builder(), p.tls).build();
    }

    private static String enc(Path p) {
        return URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
    }

    private static String trust() {
        return "trustStore=" + enc(certs.trustP12) + "&trustStorePassword=" + TestCertificates.TRUST_PASSWORD;
    }

    private static String clientCert() {
        return "keyStore=" + enc(certs.clientP12) + "&keyStorePassword=" + TestCertificates.CLIENT_PASSWORD;
    }

    private Locksmith connect(String uri) {
        Locksmith c = Locksmith.builder().uri(uri).namespace("tls").build();
        clients.add(c);
        return c;
    }

    /** Takes and gives back a lock, checking that the second grant's token is larger. */
    private static void lockWorks(Locksmith client) {
        Lease first = client.lock("l").acquire(Duration.ofSeconds(5));
        assertThat(first.fencingToken()).isPositive();
        assertThat(first.release()).isTrue();
        try (Lease second = client.lock("l").acquire(Duration.ofSeconds(5))) {
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
        }
    }

    @Test
    void locksAndFencingTokensOverTls() {
        Locksmith client = connect(server.uri() + "?" + trust());
        lockWorks(client);
        try (Lease lease = client.lock("held").acquire(Duration.ofSeconds(5));
                Jedis raw = server.client()) {
            assertThat(raw.exists(RedisOptions.DEFAULT_KEY_PREFIX + "{tls/held}:lock"))
                    .as("the lock is a key on the TLS server")
                    .isTrue();
        }
    }

    @Test
    void aWaiterInAnotherClientWakesOnReleaseThroughTheTlsReleaseChannel() throws Exception {
        // the server has no plain port, so the release channel can only be a TLS connection
        waiterWakesOnRelease(server.uri() + "?" + trust());
    }

    /**
     * A holder and a waiter in two clients of {@code uri}: with a retry delay and TTL of an hour,
     * only the release notification can wake the waiter within the test.
     */
    private void waiterWakesOnRelease(String uri) throws Exception {
        Locksmith holder = connect(uri);
        Locksmith waiterClient = connect(uri);
        assertThat(waiterClient.capabilities().releaseNotifications()).isTrue();
        Lease held = holder.lock(
                        "wake",
                        LockOptions.builder().ttl(HOUR).autoExtend(false).build())
                .acquire(Duration.ZERO);
        CountDownLatch missed = new CountDownLatch(1);
        RetryPolicy hourly = (attempt, elapsed, previous) -> {
            missed.countDown();
            return Optional.of(HOUR);
        };
        CompletableFuture<Lease> waiter = waiterClient
                .lock("wake", LockOptions.builder().ttl(HOUR).retry(hourly).build())
                .acquireAsync(HOUR);
        assertThat(missed.await(30, TimeUnit.SECONDS)).as("waiter tried once").isTrue();
        assertThat(held.release()).isTrue();
        try (Lease lease = waiter.get(10, TimeUnit.SECONDS)) {
            assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
        }
    }

    @Test
    void trustStoresInPemAndJksWorkToo() {
        lockWorks(connect(server.uri() + "?trustStore=" + enc(certs.caPem)));
        lockWorks(connect(server.uri() + "?trustStore=" + enc(certs.trustJks) + "&trustStorePassword="
                + TestCertificates.TRUST_PASSWORD));
        // a type given outright wins over the file name
        lockWorks(connect(server.uri() + "?trustStore=" + enc(certs.trustJks) + "&trustStoreType=jks"
                + "&trustStorePassword=" + TestCertificates.TRUST_PASSWORD));
    }

    @Test
    void aServerCertificateNoTrustedCaSignedIsRefusedQuickly() {
        // the JVM's own trust store does not hold the throwaway CA
        assertTimeoutPreemptively(
                Duration.ofSeconds(30), () -> assertThatThrownBy(() -> connect(server.uri() + "?connectTimeout=2s"))
                        .isInstanceOf(BackendException.class)
                        .hasMessageContaining("cannot connect to redis")
                        .hasMessageContaining("PKIX"));
    }

    @Test
    void theHostNameIsCheckedAgainstTheCertificate() {
        // the certificate names 127.0.0.1 and localhost, not 127.0.0.2 (the same server)
        String other = "rediss://127.0.0.2:" + server.port() + "?connectTimeout=2s&" + trust();
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> connect(other))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("subject alternative names matching IP address 127.0.0.2"));
        lockWorks(connect(other + "&verifyHostname=false"));
        lockWorks(connect("rediss://localhost:" + server.port() + "?" + trust()));
    }

    @Test
    void aServerThatAsksForAClientCertificateRefusesAClientWithoutOne() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                        () -> connect(mutual.uri() + "?connectTimeout=2s&" + trust()))
                .isInstanceOf(BackendException.class)
                // TLS 1.3: the client may see the server's alert, or only the connection it closed
                .satisfies(e -> assertThat(e.getMessage()).containsAnyOf("certificate_required", "set keyStore")));
        Locksmith client = connect(mutual.uri() + "?" + trust() + "&" + clientCert());
        lockWorks(client);
    }

    @Test
    void aClientWithTheCertificateAlsoGetsReleaseNotifications() throws Exception {
        waiterWakesOnRelease(mutual.uri() + "?" + trust() + "&" + clientCert());
    }

    @Test
    void aPlainConnectionToTheTlsPortFailsQuicklyWithAHint() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(
                        () -> connect("redis://127.0.0.1:" + server.port() + "?connectTimeout=2s"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("use rediss://"));
    }

    @Test
    void aTlsConnectionToAPlainPortTimesOutWithAHint() throws Exception {
        // a plain server reads the TLS hello as the start of a command and waits for the rest:
        // only the socket timeout ends the handshake
        try (RedisServer plain = RedisServer.start()) {
            assertTimeoutPreemptively(Duration.ofSeconds(30), () -> assertThatThrownBy(() -> connect(
                            "rediss://127.0.0.1:" + plain.port() + "?connectTimeout=2s&socketTimeout=500ms&" + trust()))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("use redis://"));
        }
    }

    @Test
    void storesThatCannotBeUsedAreRefusedNamingTheSetting() {
        String base = server.uri() + "?trustStore=";
        assertThatThrownBy(() -> connect(base + enc(certs.trustP12) + "&trustStorePassword=wrong"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStorePassword");
        assertThatThrownBy(() -> connect(base + enc(certs.trustP12)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStorePassword");
        assertThatThrownBy(() -> connect(
                        base + enc(certs.opensslTrustP12) + "&trustStorePassword=" + TestCertificates.TRUST_PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no certificate")
                .hasMessageContaining("PEM");
        assertThatThrownBy(() -> connect(base + enc(certs.caPem) + "&trustStoreType=PKCS12"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStoreType");
        assertThatThrownBy(() -> connect(
                        server.uri() + "?" + trust() + "&keyStore=" + enc(certs.clientP12) + "&keyStorePassword=wrong"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyStorePassword");
        assertThatThrownBy(() -> connect(server.uri() + "?keyStore=" + enc(certs.trustP12) + "&keyStorePassword="
                        + TestCertificates.TRUST_PASSWORD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyStore")
                .hasMessageContaining("no private key");
        assertThatThrownBy(() -> connect(server.uri() + "?keyStore=" + enc(certs.caPem)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyStoreType");
    }
}
