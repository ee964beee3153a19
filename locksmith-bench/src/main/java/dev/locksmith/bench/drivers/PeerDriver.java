package dev.locksmith.bench.drivers;

import dev.locksmith.bench.Driver;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import net.javacrumbs.shedlock.core.LockConfiguration;
import net.javacrumbs.shedlock.core.LockProvider;

/** A peer library's driver: its name, store and way of waiting, described once. */
abstract class PeerDriver implements Driver {
    private final String name;
    private final String store;
    private final String waiting;

    PeerDriver(String name, String store, String waiting) {
        this.name = name;
        this.store = store;
        this.waiting = waiting;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final String store() {
        return store;
    }

    @Override
    public final boolean isLocksmith() {
        return false;
    }

    @Override
    public final String waiting() {
        return waiting;
    }

    /** One {@code tryLock(maxWait)} of a peer's {@link Lock}; null if not acquired in time. */
    static Held tryLock(Lock lock, Duration maxWait) {
        try {
            if (!lock.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return lock::unlock;
    }

    /**
     * A ShedLock lock (lockAtMostFor 30 s, lockAtLeastFor 0). ShedLock skips a busy lock instead
     * of waiting, so the harness polls until {@code maxWait}.
     */
    static Held shedLock(LockProvider provider, String name, Duration maxWait) {
        return Polling.until(maxWait, () -> provider.lock(
                        new LockConfiguration(Instant.now(), name, Duration.ofSeconds(30), Duration.ZERO))
                .<Held>map(s -> s::unlock)
                .orElse(null));
    }
}
