package dev.locksmith.bench.drivers;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * The floor: {@code SET key owner NX PX ttl} to acquire and a Lua compare-and-delete to release, on
 * one blocking Jedis connection per thread. No fencing, no renewal, no waiting beyond polling.
 */
public final class RawJedisDriver extends PeerDriver {
    static final String RELEASE_LUA =
            "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";
    static final long TTL_MS = 30_000;

    private final RedisTarget target;
    private final String prefix = Names.randomNamespace() + ":";

    public RawJedisDriver(RedisTarget target) {
        super("raw-jedis", "redis", "polls every " + Polling.INTERVAL.toMillis() + " ms");
        this.target = target;
    }

    @Override
    public Session open(int concurrency) {
        return new JedisSession();
    }

    private final class JedisSession implements Session {
        private final ConcurrentLinkedQueue<Jedis> all = new ConcurrentLinkedQueue<>();
        private final ThreadLocal<Jedis> connection = ThreadLocal.withInitial(this::connect);
        private volatile String sha;

        private Jedis connect() {
            Jedis j = new Jedis(target.host(), target.port());
            all.add(j);
            if (sha == null) {
                sha = j.scriptLoad(RELEASE_LUA);
            }
            return j;
        }

        @Override
        public Held lock(String name, Duration maxWait) {
            Jedis j = connection.get();
            String key = prefix + name;
            String owner = UUID.randomUUID().toString();
            return Polling.until(maxWait, () -> {
                String ok = j.set(key, owner, SetParams.setParams().nx().px(TTL_MS));
                return ok == null ? null : () -> j.evalsha(sha, List.of(key), List.of(owner));
            });
        }

        @Override
        public void close() {
            all.forEach(Jedis::close);
        }
    }
}
