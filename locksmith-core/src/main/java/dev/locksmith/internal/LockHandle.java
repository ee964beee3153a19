package dev.locksmith.internal;

import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.Holders;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/** {@link DistributedLock} on the engine. */
final class LockHandle extends LeaseSource implements DistributedLock {

    LockHandle(Engine engine, String name, LockOptions options) {
        super(engine, LeaseKind.LOCK, name, options);
    }

    @Override
    AcquireRequest request(String owner, Duration ttl) {
        return AcquireRequest.lock(key, owner, ttl);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LockOptions options() {
        return options;
    }

    @Override
    public <T> T withLock(Supplier<T> action) {
        Objects.requireNonNull(action, "action");
        Lease lease = acquire();
        try {
            return action.get();
        } finally {
            lease.close();
        }
    }

    @Override
    public void withLock(Runnable action) {
        Objects.requireNonNull(action, "action");
        Lease lease = acquire();
        try {
            action.run();
        } finally {
            lease.close();
        }
    }

    @Override
    public Optional<LockInfo> inspect() {
        engine.checkOpen();
        Holders holders = engine.call(name, () -> engine.backend().inspect(LeaseKind.LOCK, key));
        return holders.isFree() ? Optional.empty() : Optional.of(holders.first().withName(name));
    }

    @Override
    public Lock asJavaLock() {
        return new JavaLockView(this);
    }

    @Override
    public String toString() {
        return "DistributedLock{" + name + "}";
    }
}
