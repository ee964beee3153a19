package dev.locksmith.bench.drivers;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.UUID;

/** The same two-command floor as {@link RawJedisDriver}, over one shared Lettuce connection (sync API). */
public final class RawLettuceDriver extends PeerDriver {
    private final RedisTarget target;
    private final String prefix = Names.randomNamespace() + ":";

    public RawLettuceDriver(RedisTarget target) {
        super("raw-lettuce", "redis", "polls every " + Polling.INTERVAL.toMillis() + " ms");
        this.target = target;
    }

    @Override
    public Session open(int concurrency) {
        RedisClient client = RedisClient.create(target.uri());
        StatefulRedisConnection<String, String> conn;
        try {
            conn = client.connect();
        } catch (RuntimeException e) {
            client.shutdown();
            throw e;
        }
        RedisCommands<String, String> sync = conn.sync();
        String sha = sync.scriptLoad(RawJedisDriver.RELEASE_LUA);
        return new Session() {
            @Override
            public Held lock(String name, Duration maxWait) {
                String key = prefix + name;
                String owner = UUID.randomUUID().toString();
                return Polling.until(maxWait, () -> {
                    String ok = sync.set(key, owner, SetArgs.Builder.nx().px(RawJedisDriver.TTL_MS));
                    return ok == null
                            ? null
                            : () -> sync.evalsha(sha, ScriptOutputType.INTEGER, new String[] {key}, owner);
                });
            }

            @Override
            public void close() {
                conn.close();
                client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
        };
    }
}
