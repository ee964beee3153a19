package dev.locksmith.redis;

import dev.locksmith.BackendException;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.ReleaseFeed;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Which release feed a backend uses, and the scripts that publish for it: classic ({@code
 * PUBLISH} on one channel) or, on a cluster that supports it, sharded ({@code SPUBLISH} on the
 * key's channel). With {@code shardedPubSub=auto} on a cluster it is chosen on first use, because
 * that asks a server; {@code on} asks when the backend opens.
 */
final class FeedChoice {
    private static final System.Logger LOG = System.getLogger(FeedChoice.class.getName());

    /** How releases are heard: {@link ClassicFeed} or, on a cluster, {@link ShardedFeed}. */
    interface KeyFeed extends ReleaseFeed, AutoCloseable {
        /** Stops listening and forgets every listener. */
        @Override
        void close();
    }

    /** A chosen feed: how releases are published, and heard. */
    record Feed(Scripts.Publishing scripts, KeyFeed listener, boolean sharded) {}

    private final UnifiedJedis jedis;
    private final KeyLayout keys;
    private final String tag;
    private final TimeSource time;
    private final RedisCalls calls;
    private volatile Feed feed;
    private boolean closed; // guarded by this

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
        synchronized (this) {
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
        synchronized (this) {
            closed = true;
            f = feed;
        }
        if (f != null) {
            f.listener().close();
        }
    }

    private Feed make(boolean sharded) {
        if (sharded) {
            return new Feed(Scripts.SHARDED, new ShardedFeed((JedisCluster) jedis, keys, tag, time), true);
        }
        return new Feed(
                Scripts.CLASSIC, new ClassicFeed(jedis, keys.channel(), keys.channel() + ":" + tag, time), false);
    }

    /**
     * Whether the cluster's servers have {@code SPUBLISH} ({@code COMMAND INFO}, or the version in
     * {@code INFO server} where {@code COMMAND} is not allowed), asked of the first node that answers.
     */
    private boolean supported(String key, String op) {
        return calls.call(key, op, () -> {
            JedisException last = new JedisException("the cluster client knows no node");
            List<ConnectionPool> pools =
                    new ArrayList<>(((JedisCluster) jedis).getClusterNodes().values());
            Collections.shuffle(pools);
            for (ConnectionPool pool : pools) {
                try (Connection c = pool.getResource()) {
                    try {
                        Object info = c.executeCommand(new CommandArguments(Protocol.Command.COMMAND)
                                .add("INFO")
                                .add("SPUBLISH"));
                        return info instanceof List<?> l && !l.isEmpty() && l.get(0) != null;
                    } catch (JedisDataException e) {
                        LOG.log(Level.DEBUG, "COMMAND INFO refused, asking INFO server", e);
                    }
                    try {
                        Object info = c.executeCommand(new CommandArguments(Protocol.Command.INFO).add("server"));
                        return majorVersion(ShardedFeed.str(info)) >= 7;
                    } catch (JedisDataException e) {
                        LOG.log(Level.DEBUG, "INFO server refused too: using classic pub/sub", e);
                        return false;
                    }
                } catch (JedisException e) {
                    last = e;
                }
            }
            throw last;
        });
    }

    /** The major version in an {@code INFO server} answer, or 0 if none. */
    static int majorVersion(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                String v = line.substring("redis_version:".length()).trim();
                try {
                    return Integer.parseInt(v.indexOf('.') < 0 ? v : v.substring(0, v.indexOf('.')));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
