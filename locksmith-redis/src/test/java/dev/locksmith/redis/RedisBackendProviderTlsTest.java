package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;

/** The TLS settings of a URI: what they turn on and how bad values are refused (no server here). */
class RedisBackendProviderTlsTest {
    @TempDir
    Path dir;

    private static RedisUri parse(String uri) {
        return RedisUri.parse(URI.create(uri), Duration.ofSeconds(3));
    }

    private static String enc(Path p) {
        return URLEncoder.encode(p.toString(), StandardCharsets.UTF_8);
    }

    /** A key store of {@code type} with no entries, stored with {@code password}. */
    private Path emptyStore(String type, String name, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        ks.load(null, null);
        Path f = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(f)) {
            ks.store(out, password.toCharArray());
        }
        return f;
    }

    @Test
    void redissChecksTheHostNameAndUsesTheJvmTrustStoreByDefault() {
        RedisUri p = parse("rediss://cache.example:6380");
        assertThat(p.tls.verifyHostname()).isTrue();
        assertThat(p.tls.socketFactory()).isNull();
        assertThat(p.tls.parameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        JedisClientConfig c =
                RedisClients.withTls(DefaultJedisClientConfig.builder(), p.tls).build();
        assertThat(c.isSsl()).isTrue();
        assertThat(c.getSslParameters()).isSameAs(p.tls.parameters());
        assertThat(c.getSslSocketFactory()).isNull();
    }

    @Test
    void plainRedisHasNoTlsAtAll() {
        RedisUri p = parse("redis://cache.example");
        JedisClientConfig c =
                RedisClients.withTls(DefaultJedisClientConfig.builder(), p.tls).build();
        assertThat(c.isSsl()).isFalse();
        assertThat(c.getSslParameters()).isNull();
        assertThat(c.getSslSocketFactory()).isNull();
    }

    @Test
    void tlsSettingsNeedRediss() {
        for (String setting : new String[] {
            "trustStore=/x.p12",
            "trustStoreType=PKCS12",
            "trustStorePassword=p",
            "keyStore=/x.p12",
            "keyStoreType=JKS",
            "keyStorePassword=p",
            "verifyHostname=false"
        }) {
            String name = setting.substring(0, setting.indexOf('='));
            assertThatThrownBy(() -> parse("redis://h?" + setting))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(name)
                    .hasMessageContaining("rediss://");
            assertThatThrownBy(() -> parse("redis-sentinel://s/m?" + setting))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(name);
        }
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.p12");
        assertThatThrownBy(() -> parse("rediss://h?trustStore=" + enc(missing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStore file not found")
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> parse("rediss://h?keyStore=" + enc(missing)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyStore file not found");
        assertThatThrownBy(() -> parse("rediss://h?trustStore="))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStore must name a file");
    }

    @Test
    void settingsThatNeedTheirStore() {
        assertThatThrownBy(() -> parse("rediss://h?trustStorePassword=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStorePassword is given without trustStore");
        assertThatThrownBy(() -> parse("rediss://h?trustStoreType=JKS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStoreType is given without trustStore");
        assertThatThrownBy(() -> parse("rediss://h?keyStorePassword=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyStorePassword is given without keyStore");
        assertThatThrownBy(() -> parse("rediss://h?keyStoreType=JKS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyStoreType is given without keyStore");
    }

    @Test
    void hostNameChecksCanOnlyBeTurnedOffForAPrivateCa() {
        assertThatThrownBy(() -> parse("rediss://h?verifyHostname=false"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("verifyHostname=false needs a trustStore");
        assertThatThrownBy(() -> parse("rediss://h?verifyHostname=maybe"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("verifyHostname");
    }

    @Test
    void anUnknownTypeIsNamed() throws Exception {
        Path store = emptyStore("PKCS12", "t.p12", "pw");
        assertThatThrownBy(() -> parse("rediss://h?trustStore=" + enc(store) + "&trustStoreType=BOGUS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStoreType 'BOGUS' is not supported");
        assertThatThrownBy(() -> parse("rediss://h?keyStore=" + enc(store) + "&keyStoreType=PEM"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyStoreType PEM is not supported");
    }

    @Test
    void aWrongPasswordIsNamed() throws Exception {
        Path p12 = emptyStore("PKCS12", "t.p12", "right");
        assertThatThrownBy(() -> parse("rediss://h?trustStore=" + enc(p12) + "&trustStorePassword=wrong"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStorePassword is wrong");
        Path jks = emptyStore("JKS", "t.jks", "right");
        assertThatThrownBy(() -> parse("rediss://h?trustStore=" + enc(jks) + "&trustStorePassword=wrong"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStorePassword is wrong");
        assertThatThrownBy(() -> parse("rediss://h?keyStore=" + enc(p12) + "&keyStorePassword=wrong"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyStorePassword is wrong");
    }

    @Test
    void storesWithNothingUsableAreRefused() throws Exception {
        Path p12 = emptyStore("PKCS12", "t.p12", "pw");
        assertThatThrownBy(() -> parse("rediss://h?trustStore=" + enc(p12) + "&trustStorePassword=pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no certificate");
        assertThatThrownBy(() -> parse("rediss://h?keyStore=" + enc(p12) + "&keyStorePassword=pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holds no private key");
        Path notAStore = Files.writeString(dir.resolve("junk.p12"), "not a key store");
        assertThatThrownBy(() -> parse("rediss://h?trustStore=" + enc(notAStore) + "&trustStorePassword=pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be read as PKCS12");
        Path notPem = Files.writeString(dir.resolve("junk.pem"), "not a certificate");
        assertThatThrownBy(() -> parse("rediss://h?trustStore=" + enc(notPem)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be read as PEM");
        assertThatThrownBy(() -> parse("rediss://h?trustStore=" + enc(notPem) + "&trustStorePassword=x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("trustStorePassword is given but a PEM trustStore has none");
    }
}
