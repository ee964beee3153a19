package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.util.JedisClusterCRC16;

/** The shardedPubSub setting, the per-key channel and the pieces of the sharded listener that need no server. */
class ShardedPubSubSettingsTest {
    private static final Duration CONNECT = Duration.ofSeconds(1);

    private static RedisOptions.ShardedPubSub parsed(String uri) {
        return RedisUri.parse(URI.create(uri), CONNECT).options.shardedPubSub();
    }

    @Test
    void isAutoByDefaultAndParsedFromTheUri() {
        assertThat(RedisOptions.defaults().shardedPubSub()).isEqualTo(RedisOptions.ShardedPubSub.AUTO);
        assertThat(parsed("redis://a:7001,b:7002")).isEqualTo(RedisOptions.ShardedPubSub.AUTO);
        assertThat(parsed("redis://a:7001,b:7002?shardedPubSub=off")).isEqualTo(RedisOptions.ShardedPubSub.OFF);
        assertThat(parsed("redis://a:7001,b:7002?shardedPubSub=ON")).isEqualTo(RedisOptions.ShardedPubSub.ON);
        assertThat(parsed("redis://a:7001?cluster=true&shardedPubSub=auto")).isEqualTo(RedisOptions.ShardedPubSub.AUTO);
        assertThat(parsed("redis://localhost:6379?shardedPubSub=off")).isEqualTo(RedisOptions.ShardedPubSub.OFF);
    }

    @Test
    void onNeedsAClusterAndOtherValuesAreRefused() {
        assertThatThrownBy(() -> parsed("redis://localhost:6379?shardedPubSub=on"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shardedPubSub=on needs a redis cluster");
        assertThatThrownBy(() -> parsed("redis-sentinel://s:26379/mymaster?shardedPubSub=on"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shardedPubSub=on needs a redis cluster");
        assertThatThrownBy(() -> parsed("redis://a:7001,b:7002?shardedPubSub=yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("shardedPubSub must be one of auto, on, off, was 'yes'");
        assertThatThrownBy(() -> RedisOptions.builder().shardedPubSub(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("shardedPubSub");
    }

    @Test
    void onIsRefusedForAClientThatIsNoCluster() {
        RedisOptions on = RedisOptions.builder()
                .shardedPubSub(RedisOptions.ShardedPubSub.ON)
                .build();
        try (JedisPooled client = new JedisPooled("127.0.0.1", 1)) { // never connects
            assertThatThrownBy(() -> RedisBackend.create(client, on))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("shardedPubSub=on needs a redis cluster");
        }
    }

    @Test
    void theReleaseChannelOfAKeyIsInTheKeysSlot() {
        KeyLayout layout = new KeyLayout("ls:");
        for (String key : new String[] {"ns/a", "ns/{x}", "ns/}{", "ns/%7D"}) {
            String channel = layout.releaseChannel(key);
            assertThat(channel).startsWith("ls:{").endsWith("}:rel");
            assertThat(JedisClusterCRC16.getSlot(channel.getBytes(StandardCharsets.UTF_8)))
                    .as(channel)
                    .isEqualTo(JedisClusterCRC16.getSlot(layout.lockQueue(key)))
                    .isEqualTo(JedisClusterCRC16.getSlot(layout.permitQueue(key)));
        }
        assertThat(layout.releaseChannel("ns/a")).isEqualTo("ls:{ns/a}:rel");
    }

    @Test
    void shardedScriptsPublishWithSpublishAndClassicOnesWithPublish() {
        List<Scripts.Script> classic =
                List.of(Scripts.CLASSIC.release(), Scripts.CLASSIC.releasePermit(), Scripts.CLASSIC.forceRelease());
        List<Scripts.Script> sharded =
                List.of(Scripts.SHARDED.release(), Scripts.SHARDED.releasePermit(), Scripts.SHARDED.forceRelease());
        for (Scripts.Script s : classic) {
            String body = new String(s.body(), StandardCharsets.UTF_8);
            assertThat(body).as(s.name()).contains("redis.call('PUBLISH'").doesNotContain("SPUBLISH");
        }
        for (Scripts.Script s : sharded) {
            String body = new String(s.body(), StandardCharsets.UTF_8);
            assertThat(body).as(s.name()).contains("redis.call('SPUBLISH'").doesNotContain("'PUBLISH'");
        }
    }

    @Test
    void readsTheMajorVersionFromInfoServer() {
        assertThat(FeedChoice.majorVersion("# Server\r\nredis_version:7.0.15\r\nredis_mode:cluster\r\n"))
                .isEqualTo(7);
        assertThat(FeedChoice.majorVersion("# Server\r\nredis_version:6.2.14\r\n"))
                .isEqualTo(6);
        assertThat(FeedChoice.majorVersion("# Server\r\n")).isZero();
    }

    @Test
    void readsTheSlotMapFromClusterSlots() {
        byte[] a = "a".getBytes(StandardCharsets.UTF_8);
        byte[] b = "b".getBytes(StandardCharsets.UTF_8);
        Object reply = List.of(
                List.of(0L, 99L, List.of("127.0.0.1".getBytes(StandardCharsets.UTF_8), 7101L, a)),
                List.of(
                        100L,
                        16383L,
                        List.of("127.0.0.1".getBytes(StandardCharsets.UTF_8), 7102L, b),
                        List.of("127.0.0.1".getBytes(StandardCharsets.UTF_8), 7202L, "replica".getBytes())));
        String[] owners = SlotMap.parseSlots(reply);
        assertThat(owners).hasSize(16384);
        assertThat(owners[0]).isEqualTo("a");
        assertThat(owners[99]).isEqualTo("a");
        assertThat(owners[100]).isEqualTo("b");
        assertThat(owners[16383]).isEqualTo("b");
    }
}
