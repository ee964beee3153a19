package dev.locksmith.redis;

import dev.locksmith.spi.Backend;
import dev.locksmith.testkit.HandOffContract;
import org.junit.jupiter.api.Nested;
import redis.clients.jedis.UnifiedJedis;

/**
 * Hand-offs between processes on Redis: each client has its own connections and its own release
 * subscription, and a release names the first waiter of the key's queue, on that client's own
 * channel. Run on standalone Redis and on the cluster.
 */
class RedisHandOffIT {

    abstract static class OnRedis extends HandOffContract {
        private final String prefix = RedisTestSupport.randomPrefix();

        abstract String uri();

        @Override
        protected Backend newBackend() {
            return RedisTestSupport.open(uri(), prefix);
        }

        @Override
        protected void cleanUp(String namespace) {
            try (UnifiedJedis raw = RedisTestSupport.raw(uri())) {
                RedisTestSupport.deleteAll(raw, prefix);
            }
        }
    }

    @Nested
    class Standalone extends OnRedis {
        @Override
        String uri() {
            return RedisTestSupport.STANDALONE;
        }
    }

    @Nested
    class Cluster extends OnRedis {
        @Override
        String uri() {
            return RedisTestSupport.CLUSTER;
        }
    }
}
