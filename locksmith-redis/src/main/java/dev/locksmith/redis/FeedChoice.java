package dev.locksmith.redis;

import dev.locksmith.BackendException;
import dev.locksmith.TimeSource;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;

/**
 * Which release feed a backend uses, and the scripts that publish for it: classic ({@code
 * PUBLISH} on one channel) or, on a cluster that supports it, sharded ({@code SPUBLISH} on the
 * key's channel). With {@code shardedPubSub=auto} on a cluster it is chosen on first use, because
 * that asks a server; {@code on} asks when the backend opens.
 */
final class FeedChoice {

    /** A chosen feed: how releases are published, and heard. */
    record Feed(Scripts.Publishing scripts, KeyFeed listener, boolean sharded) {}

    private final UnifiedJedis jedis;
    private final KeyLayout keys;
    private final String tag;
    private final TimeSource time;
    private final RedisCalls calls;
    private final Object lock = new Object();
    private volatile Feed feed;
    private boolean closed;

    FeedChoice(
            UnifiedJedis jedis, RedisOptions options, KeyLayout keys, String tag, TimeSource time, RedisCalls calls) {
        this.jedis = jedis;
        this.keys = keys;
        this.tag = tag;
        this.time = time;
        this.calls = calls;
        boolean cluster = jedis instanceof JedisCluster;
        RedisOptions.ShardedPubSub sharding = options.shardedPubSub();
        if (!cluster && sharding == RedisOptions.ShardedPubSub.ON) {
            throw new IllegalArgumentException("shardedPubSub=on needs a redis cluster; standalone and sentinel"
                    + " servers use the one classic channel");
        }
        if (!cluster || sharding == RedisOptions.ShardedPubSub.OFF) {
            feed = make(false);
        } else if (sharding == RedisOptions.ShardedPubSub.ON) {
            if (!supported("", "opening with shardedPubSub=on")) {
                throw new BackendException(
                        "shardedPubSub=on but the redis cluster's servers do not support sharded pub/sub (SPUBLISH,"
                                + " Redis 7.0 or later); use shardedPubSub=auto or off",
                        null);
            }
            feed = make(true);
        }
    }

    /** The feed, chosen now if not yet; {@code key} and {@code op} name the call in a failure. */
    Feed get(String key, String op) {
        Feed f = feed;
        if (f != null) {
            return f;
        }
        synchronized (lock) {
            if (feed == null) {
                feed = make(supported(key, op + " (asking whether the cluster has sharded pub/sub)"));
                if (closed) {
                    feed.listener().close();
                }
            }
            return feed;
        }
    }

    /** The channel a release of {@code key} is published on (the scripts append {@code :<tag>} for a named waiter). */
    String channel(Feed f, String key) {
        return f.sharded() ? keys.releaseChannel(key) : keys.channel();
    }

    void close() {
        Feed f;
        synchronized (lock) {
            closed = true;
            f = feed;
        }
        if (f != null) {
            f.listener().close();
        }
    }

    private boolean supported(String key, String op) {
        return calls.call(key, op, () -> SlotMap.supportsShardedPubSub((JedisCluster) jedis));
    }

    private Feed make(boolean sharded) {
        if (sharded) {
            return new Feed(Scripts.SHARDED, new ShardedFeed((JedisCluster) jedis, keys, tag, time), true);
        }
        return new Feed(
                Scripts.CLASSIC, new ClassicFeed(jedis, keys.channel(), keys.channel() + ":" + tag, time), false);
    }
}
