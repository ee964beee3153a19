package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.Lease;
import dev.locksmith.Locksmith;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.JedisPooled;

/** A backend on the caller's own Jedis client: used, never closed. */
class RedisOwnClientIT {
    @Test
    void usesButNeverClosesTheCallersClient() {
        String prefix = RedisTestSupport.randomPrefix();
        try (JedisPooled jedis = new JedisPooled("127.0.0.1", 6379)) {
            RedisBackend backend = RedisBackend.create(
                    jedis, RedisOptions.builder().keyPrefix(prefix).build());
            try (Locksmith ls = Locksmith.builder().backend(backend).build()) {
                Lease lease = ls.lock("mine").acquire(Duration.ofSeconds(1));
                assertThat(lease.fencingToken()).isEqualTo(1);
                assertThat(jedis.exists(prefix + "{" + ls.namespace() + "/mine}:lock"))
                        .isTrue();
                lease.release();
                // names with braces and percent signs keep their own hash tag and come back intact
                for (String name : new String[] {"a}{b", "}", "{x}", "%7D"}) {
                    try (Lease l = ls.lock(name).acquire(Duration.ofSeconds(1))) {
                        assertThat(ls.list())
                                .extracting(dev.locksmith.LockInfo::name)
                                .containsExactly(name);
                        assertThat(ls.lock(name).inspect())
                                .hasValueSatisfying(i -> assertThat(i.owner()).isEqualTo(l.owner()));
                    }
                }
            }
            backend.close();
            assertThat(jedis.ping()).isEqualTo("PONG");
            RedisTestSupport.deleteAll(jedis, prefix);
        }
    }
}
