package dev.locksmith.bench.drivers;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.redisson.Redisson;
import org.redisson.api.RPermitExpirableSemaphore;
import org.redisson.api.RedissonClient;
import org.redisson.config.Config;

/**
 * Redisson: {@code RLock.tryLock(wait)} (watchdog renewal, pub/sub waiting) and {@code
 * RPermitExpirableSemaphore} (30 s permit lease: Redisson does not renew permits).
 */
public final class RedissonDriver extends PeerDriver {
    static final long PERMIT_LEASE_MS = 30_000;

    private final RedisTarget target;
    private final String prefix = Names.randomNamespace() + ":";

    public RedissonDriver(RedisTarget target) {
        super("redisson", "redis", "pub/sub");
        this.target = target;
    }

    @Override
    public boolean supportsSemaphore() {
        return true;
    }

    @Override
    public boolean supportsAutoExtension() {
        return true;
    }

    @Override
    public String threadNamePrefix() {
        return "redisson";
    }

    @Override
    public String keyFragment() {
        return prefix;
    }

    @Override
    public Session open(int concurrency) {
        return open(concurrency, null);
    }

    @Override
    public Session openHeld(int concurrency, Duration ttl) {
        return open(concurrency, ttl);
    }

    private Session open(int concurrency, Duration watchdog) {
        Config config = new Config();
        int pool = Math.max(2, concurrency);
        config.useSingleServer()
                .setAddress(target.uri())
                .setConnectionPoolSize(pool)
                .setConnectionMinimumIdleSize(Math.min(pool, 4))
                .setSubscriptionConnectionPoolSize(Math.max(2, Math.min(pool, 8)))
                .setSubscriptionConnectionMinimumIdleSize(1);
        config.setNettyThreads(Math.max(2, Math.min(concurrency, 8)));
        if (watchdog != null) {
            config.setLockWatchdogTimeout(watchdog.toMillis());
        }
        RedissonClient client = Redisson.create(config);
        Set<String> initialised = ConcurrentHashMap.newKeySet();
        return new Session() {
            @Override
            public Held lock(String name, Duration maxWait) {
                return tryLock(client.getLock(prefix + name), maxWait);
            }

            @Override
            public Held permit(String name, int permits, Duration maxWait) {
                RPermitExpirableSemaphore sem = client.getPermitExpirableSemaphore(prefix + name);
                if (initialised.add(name)) {
                    sem.trySetPermits(permits);
                }
                try {
                    String id = sem.tryAcquire(maxWait.toMillis(), PERMIT_LEASE_MS, TimeUnit.MILLISECONDS);
                    return id == null ? null : () -> sem.release(id);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }

            @Override
            public void close() {
                client.shutdown(0, 2, TimeUnit.SECONDS);
            }
        };
    }

    @Override
    public void close() {
        RedisKeys.deleteContaining(target, prefix);
    }
}
