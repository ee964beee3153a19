package dev.locksmith.internal;

import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LeaseConsumer;
import dev.locksmith.LeaseFunction;
import dev.locksmith.LeaseKind;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockInfo;
import dev.locksmith.LockLostException;
import dev.locksmith.LockOptions;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
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
        return locked(acquire(), lease -> action.get());
    }

    @Override
    public void withLock(Runnable action) {
        Objects.requireNonNull(action, "action");
        locked(acquire(), lease -> {
            action.run();
            return null;
        });
    }

    @Override
    public <T, X extends Exception> T withLock(LeaseFunction<T, X> action) throws X {
        Objects.requireNonNull(action, "action");
        return locked(acquire(), action);
    }

    @Override
    public <T, X extends Exception> T withLock(Duration maxWait, LeaseFunction<T, X> action) throws X {
        Objects.requireNonNull(action, "action");
        return locked(acquire(maxWait), action);
    }

    @Override
    public <X extends Exception> void runWithLock(LeaseConsumer<X> action) throws X {
        Objects.requireNonNull(action, "action");
        locked(acquire(), lease -> {
            action.accept(lease);
            return null;
        });
    }

    @Override
    public <X extends Exception> void runWithLock(Duration maxWait, LeaseConsumer<X> action) throws X {
        Objects.requireNonNull(action, "action");
        locked(acquire(maxWait), lease -> {
            action.accept(lease);
            return null;
        });
    }

    /**
     * Runs the action and releases; a lease lost before the action returned surfaces as {@link
     * LockLostException} (or, when the action threw, as a suppressed one on its exception): the
     * action's work was not protected, and the caller must know.
     */
    @SuppressWarnings("unchecked")
    private static <T, X extends Exception> T locked(Lease lease, LeaseFunction<T, X> action) throws X {
        T result;
        try {
            result = action.apply(lease);
        } catch (Exception | Error e) {
            try {
                LeaseLoss loss = ((LeaseImpl) lease).releaseReportingLoss();
                if (loss != null) {
                    e.addSuppressed(new LockLostException(loss));
                }
            } catch (RuntimeException releaseFailure) {
                e.addSuppressed(releaseFailure);
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            if (e instanceof Error err) {
                throw err;
            }
            throw (X) e; // the only checked exception the action can throw
        }
        LeaseLoss loss = ((LeaseImpl) lease).releaseReportingLoss();
        if (loss != null) {
            throw new LockLostException(loss);
        }
        return result;
    }

    @Override
    public boolean release(String owner) {
        Args.name(owner, "owner", LockOptions.MAX_OWNER_LENGTH);
        engine.checkOpen();
        boolean released = engine.call(name, () -> engine.backend().release(LeaseKind.LOCK, key, owner));
        if (released) {
            engine.releasedHere(LeaseKind.LOCK, key);
        }
        return released;
    }

    @Override
    public boolean extend(String owner, Duration ttl) {
        Args.name(owner, "owner", LockOptions.MAX_OWNER_LENGTH);
        Args.positive(ttl, "ttl");
        engine.checkTtl(ttl);
        return engine.call(name, () -> engine.backend().extend(new LeaseRef(LeaseKind.LOCK, key, owner, ttl)));
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
