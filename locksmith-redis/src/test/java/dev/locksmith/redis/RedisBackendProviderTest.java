package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;

class RedisBackendProviderTest {
    private static final Duration CT = Duration.ofSeconds(3);

    private static RedisUri parse(String uri) {
        return RedisUri.parse(URI.create(uri), CT);
    }

    @Test
    void standaloneWithDefaults() {
        RedisUri p = parse("redis://localhost");
        assertThat(p.hosts).containsExactly(new HostAndPort("localhost", 6379));
        assertThat(p.cluster).isFalse();
        assertThat(p.tls.enabled()).isFalse();
        assertThat(p.database).isZero();
        assertThat(p.connectTimeout).isEqualTo(CT);
        assertThat(p.options.keyPrefix()).isEqualTo(RedisOptions.DEFAULT_KEY_PREFIX);
        assertThat(p.options.socketTimeout()).isEqualTo(RedisOptions.DEFAULT_SOCKET_TIMEOUT);
    }

    @Test
    void credentialsDatabaseTlsAndSettings() {
        RedisUri p = parse("rediss://app:s%40cret@cache.example:6380/3?keyPrefix=x:&socketTimeout=500ms"
                + "&connectTimeout=PT1S&maxConnections=4&waitMarkerSlack=2s&durableTokens=true&clientName=svc");
        assertThat(p.tls.enabled()).isTrue();
        assertThat(p.user).isEqualTo("app");
        assertThat(p.password).isEqualTo("s@cret");
        assertThat(p.hosts).containsExactly(new HostAndPort("cache.example", 6380));
        assertThat(p.database).isEqualTo(3);
        assertThat(p.connectTimeout).isEqualTo(Duration.ofSeconds(1));
        assertThat(p.clientName).isEqualTo("svc");
        RedisOptions o = p.options;
        assertThat(o.keyPrefix()).isEqualTo("x:");
        assertThat(o.socketTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(o.maxConnections()).isEqualTo(4);
        assertThat(o.waitMarkerSlack()).isEqualTo(Duration.ofSeconds(2));
        assertThat(o.durableTokens()).isTrue();
    }

    @Test
    void passwordOnly() {
        RedisUri p = parse("redis://:pw@h:1");
        assertThat(p.user).isNull();
        assertThat(p.password).isEqualTo("pw");
    }

    @Test
    void severalHostsMeanACluster() {
        RedisUri p = parse("redis://a:7001,b:7002,c:7003");
        assertThat(p.cluster).isTrue();
        assertThat(p.hosts)
                .containsExactly(new HostAndPort("a", 7001), new HostAndPort("b", 7002), new HostAndPort("c", 7003));
        assertThat(parse("redis://[::1]:7003").hosts).containsExactly(new HostAndPort("::1", 7003));
        assertThat(parse("redis://a:7001?cluster=true").cluster).isTrue();
    }

    @Test
    void sentinel() {
        RedisUri p = parse("redis-sentinel://s1,s2:26380/mymaster/2");
        assertThat(p.masterName).isEqualTo("mymaster");
        assertThat(p.database).isEqualTo(2);
        assertThat(p.cluster).isFalse();
        assertThat(p.hosts).containsExactly(new HostAndPort("s1", 26379), new HostAndPort("s2", 26380));
    }

    @Test
    void badUrisNameWhatIsWrong() {
        assertThatThrownBy(() -> parse("redis:localhost"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("//");
        assertThatThrownBy(() -> parse("redis://h:99999"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> parse("redis://h:abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> parse("redis://h/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database");
        assertThatThrownBy(() -> parse("redis://h/1/2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("path");
        assertThatThrownBy(() -> parse("redis://h?bogus=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus");
        assertThatThrownBy(() -> parse("redis://h?socketTimeout=soon"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("socketTimeout");
        assertThatThrownBy(() -> parse("redis://h?keyPrefix=a{b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("keyPrefix");
        assertThatThrownBy(() -> parse("redis://h?maxConnections=0"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxConnections");
        assertThatThrownBy(() -> parse("redis://a:1,b:2/3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("database 0");
        assertThatThrownBy(() -> parse("redis-sentinel://s1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("master");
        assertThatThrownBy(() -> parse("redis://a,,b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty host");
        assertThatThrownBy(() -> parse("http://h"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("scheme");
        assertThatThrownBy(() -> parse("redis://h?connectTimeout=0ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("connectTimeout");
    }

    @Test
    void everyDurationFormTheUriTookBeforeStillParses() {
        assertThat(parse("redis://h?socketTimeout=500").options.socketTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("redis://h?socketTimeout=500ms").options.socketTimeout())
                .isEqualTo(Duration.ofMillis(500));
        assertThat(parse("redis://h?socketTimeout=3s").options.socketTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(parse("redis://h?socketTimeout=1m").options.socketTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(parse("redis://h?socketTimeout=PT2S").options.socketTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("redis://h?socketTimeout=pt2s").options.socketTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("redis://h?socketTimeout=%202s%20").options.socketTimeout())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(parse("redis://h?handOffWindow=0").options.handOffWindow()).isZero();
        assertThat(parse("redis://h?connectTimeout=1500").connectTimeout).isEqualTo(Duration.ofMillis(1500));
        // and the new grammar's forms
        assertThat(parse("redis://h?waitMarkerSlack=1m30s").options.waitMarkerSlack())
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(parse("redis://h?durableTokens").options.durableTokens()).isTrue();
        assertThat(parse("redis://h?durableTokens=FALSE").options.durableTokens())
                .isFalse();
    }

    @Test
    void registeredForItsSchemes() {
        assertThat(new RedisBackendProvider().schemes()).containsExactlyInAnyOrder("redis", "rediss", "redis-sentinel");
        assertThat(java.util.ServiceLoader.load(dev.locksmith.spi.BackendProvider.class).stream()
                        .map(java.util.ServiceLoader.Provider::type))
                .contains(RedisBackendProvider.class);
    }
}
