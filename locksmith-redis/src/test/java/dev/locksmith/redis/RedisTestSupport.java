package dev.locksmith.redis;

import dev.locksmith.TimeSource;
import dev.locksmith.spi.BackendContext;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;

/** Servers and clean-up shared by the integration tests. */
final class RedisTestSupport {
    /** Started by scripts/services.sh if not already running. */
    static final String STANDALONE = "redis://127.0.0.1:6379";

    /** The throwaway cluster scripts/services.d/redis.sh starts. */
    static final String CLUSTER = "redis://127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103";

    private RedisTestSupport() {}

    /** A key prefix no other run uses, so tests never see each other's keys. */
    static String randomPrefix() {
        return "lsit-" + UUID.randomUUID().toString().substring(0, 8) + ":";
    }

    static BackendContext context() {
        return new BackendContext(TimeSource.system(), Duration.ofSeconds(5));
    }

    static RedisBackend open(String uri, String prefix) {
        String sep = uri.contains("?") ? "&" : "?";
        return (RedisBackend) new RedisBackendProvider().open(URI.create(uri + sep + "keyPrefix=" + prefix), context());
    }

    /** A raw client on the same server(s), for setting up and checking state behind the backend's back. */
    static UnifiedJedis raw(String uri) {
        if (uri.equals(CLUSTER)) {
            return new JedisCluster(
                    java.util.Set.of(new HostAndPort("127.0.0.1", 7101), new HostAndPort("127.0.0.1", 7102)));
        }
        URI u = URI.create(uri);
        return new JedisPooled(u.getHost(), u.getPort());
    }

    /** How many connections subscribe to {@code channel}, summed over every node. */
    static long subscribers(String uri, String channel) {
        int[] ports = uri.equals(CLUSTER)
                ? new int[] {7101, 7102, 7103}
                : new int[] {URI.create(uri).getPort()};
        long n = 0;
        for (int port : ports) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                n += j.pubsubNumSub(channel).getOrDefault(channel, 0L);
            }
        }
        return n;
    }

    /** Deletes every key a contract test left in {@code namespace} (fencing counters stay otherwise). */
    static void cleanNamespace(String uri, String namespace) {
        try (UnifiedJedis jedis = raw(uri)) {
            deleteAll(jedis, RedisOptions.DEFAULT_KEY_PREFIX + "{" + namespace + "/");
        }
    }

    /** Deletes every key that starts with {@code prefix}, on every node. */
    static void deleteAll(UnifiedJedis jedis, String prefix) {
        ScanIteration scan = jedis.scanIteration(500, KeyLayout.globEscape(prefix) + "*");
        List<String> found = new ArrayList<>();
        while (!scan.isIterationCompleted()) {
            found.addAll(scan.nextBatch().getResult());
        }
        for (String k : found) {
            jedis.del(k);
        }
    }

    /**
     * Polls {@code condition} until it holds, failing after 10 s: for state another thread or the
     * server changes, where there is nothing to wait on.
     */
    static void eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
