package dev.locksmith.redis;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.Conformance;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * Every contract over {@code rediss://}, against a TLS-only redis-server of its own with a throwaway
 * CA; the transient-failure contract cuts its connections through a proxy.
 */
class RedisTlsConformanceIT extends Conformance {
    @TempDir
    static Path dir;

    private static RedisServer server;
    private static String uri;
    private static String trust;

    @BeforeAll
    static void start() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        trust = "trustStore=" + URLEncoder.encode(certs.trustP12.toString(), StandardCharsets.UTF_8)
                + "&trustStorePassword=" + TestCertificates.TRUST_PASSWORD;
        RedisUri p = RedisUri.parse(URI.create("rediss://127.0.0.1?" + trust), Duration.ofSeconds(5));
        server = RedisServer.startTls(
                RedisClients.withTls(DefaultJedisClientConfig.builder(), p.tls).build(), certs.serverArgs("no"));
        uri = server.uri() + "?" + trust;
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Override
    protected Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(uri);
    }

    @Override
    protected InetSocketAddress storeAddress() {
        return new InetSocketAddress("127.0.0.1", server.port());
    }

    @Override
    protected Locksmith.Builder clientBuilderVia(int port) {
        return Locksmith.builder().uri("rediss://127.0.0.1:" + port + "?" + trust);
    }
}
