package dev.locksmith.bench.drivers;

import java.time.Duration;
import net.javacrumbs.shedlock.provider.redis.spring.RedisLockProvider;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * ShedLock's Spring Data Redis provider: lockAtMostFor 30 s, lockAtLeastFor 0. ShedLock skips a busy
 * lock instead of waiting, so the harness polls.
 */
public final class ShedLockRedisDriver extends PeerDriver {
    private final RedisTarget target;
    private final String environment = Names.randomNamespace();

    public ShedLockRedisDriver(RedisTarget target) {
        super("shedlock-redis", "redis", "none (skip); the harness polls every " + Polling.INTERVAL.toMillis() + " ms");
        this.target = target;
    }

    @Override
    public Session open(int concurrency) {
        LettuceConnectionFactory cf = SpringRedisDriver.connectionFactory(target);
        RedisLockProvider provider = new RedisLockProvider(cf, environment);
        return new Session() {
            @Override
            public Held lock(String name, Duration maxWait) {
                return shedLock(provider, name, maxWait);
            }

            @Override
            public void close() {
                cf.destroy();
            }
        };
    }

    @Override
    public void close() {
        RedisKeys.deleteContaining(target, environment);
    }
}
