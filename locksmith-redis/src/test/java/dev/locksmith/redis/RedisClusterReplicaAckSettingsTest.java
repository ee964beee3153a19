package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A cluster URI takes {@code replicaAcks} (it used to be refused); its range checks still apply. */
class RedisClusterReplicaAckSettingsTest {
    private static RedisUri parse(String uri) {
        return RedisUri.parse(URI.create(uri), Duration.ofSeconds(1));
    }

    @Test
    void clusterUriAcceptsReplicaAcks() {
        RedisUri p = parse("redis://a:7001,b:7002?replicaAcks=1&replicaAckTimeout=500ms");
        assertThat(p.cluster).isTrue();
        assertThat(p.options.replicaAcks()).isEqualTo(1);
        assertThat(p.options.replicaAckTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("redis://a:7001?cluster=true&replicaAcks=2").options.replicaAcks())
                .isEqualTo(2);
    }

    @Test
    void clusterReplicaAckTimeoutMustStillBeShorterThanTheSocketTimeout() {
        assertThatThrownBy(() -> parse("redis://a:7001,b:7002?replicaAcks=1&replicaAckTimeout=5s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("socketTimeout");
    }
}
