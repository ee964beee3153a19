/**
 * Redis backend for Locksmith: standalone, cluster and Sentinel, over Jedis. Opened by {@code
 * Locksmith.connect("redis://...")} through {@link dev.locksmith.redis.RedisBackendProvider}, or
 * built around a caller's own client with {@link dev.locksmith.redis.RedisBackend#create}.
 */
module dev.locksmith.redis {
    requires transitive dev.locksmith.core;
    requires transitive redis.clients.jedis;
    requires org.apache.commons.pool2;

    exports dev.locksmith.redis;

    provides dev.locksmith.spi.BackendProvider with
            dev.locksmith.redis.RedisBackendProvider;
}
