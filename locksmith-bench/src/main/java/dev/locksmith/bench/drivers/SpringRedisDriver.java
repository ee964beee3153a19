package dev.locksmith.bench.drivers;

import java.time.Duration;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.integration.redis.util.RedisLockRegistry;

/**
 * Spring Integration's {@code RedisLockRegistry} in pub/sub mode over Spring Data Redis (Lettuce),
 * 30 s expiry, no renewal. Each session is its own registry, as separate processes would have.
 */
public final class SpringRedisDriver extends PeerDriver {
    private final RedisTarget target;
    private final String registryKey = Names.randomNamespace();

    public SpringRedisDriver(RedisTarget target) {
        super("spring-redis", "redis", "pub/sub (RedisLockType.PUB_SUB_LOCK)");
        this.target = target;
    }

    static LettuceConnectionFactory connectionFactory(RedisTarget target) {
        LettuceConnectionFactory cf =
                new LettuceConnectionFactory(new RedisStandaloneConfiguration(target.host(), target.port()));
        cf.afterPropertiesSet();
        cf.start();
        return cf;
    }

    @Override
    public Session open(int concurrency) {
        LettuceConnectionFactory cf = connectionFactory(target);
        RedisLockRegistry registry = new RedisLockRegistry(cf, registryKey, Duration.ofSeconds(30));
        registry.setRedisLockType(RedisLockRegistry.RedisLockType.PUB_SUB_LOCK);
        return new Session() {
            @Override
            public Held lock(String name, Duration maxWait) {
                return tryLock(registry.obtain(name), maxWait);
            }

            @Override
            public void close() {
                try {
                    registry.destroy();
                } finally {
                    cf.destroy();
                }
            }
        };
    }

    @Override
    public void close() {
        RedisKeys.deleteContaining(target, registryKey);
    }
}
