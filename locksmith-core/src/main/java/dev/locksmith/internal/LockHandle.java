package dev.locksmith.internal;

import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/** {@link DistributedLock} on the engine. */
final class LockHandle implements DistributedLock {
    private final Engine engine;
    private final String name;
    private final String key;
    private final LockOptions options;

    LockHandle(Engine engine, String name, LockOptions options) {
        this.engine = engine;
        this.name = name;
        this.key = engine.key(name);
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LockOptions options() {
        return options;
    }

    String key() {
        return key;
    }

    Engine engine() {
        return engine;
    }

    AcquireOp<Lease> op(Duration maxWait, boolean single) {
        engine.checkOpen();
        String owner = options.owner().orElseGet(engine::newOwner);
        Duration ttl = options.ttl();
        return new AcquireOp<>(
                engine,
                LeaseKind.LOCK,
                name,
                key,
                options.retry(),
                maxWait,
                single,
                () -> engine.backend().tryAcquire(key, owner, ttl),
                (r, sentAt) -> {
                    LeaseImpl lease = new LeaseImpl(
                            engine,
                            LeaseKind.LOCK,
                            name,
                            key,
                            owner,
                            r.fencingToken(),
                            r.ttl(),
                            options.autoExtend(),
                            sentAt);
                    engine.keeper().add(lease);
                    return lease;
                },
                Lease::close);
    }

    @Override
    public Lease acquire() {
        return op(null, false).startInline().await();
    }

    @Override
    public Lease acquire(Duration maxWait) {
        Args.nonNegative(maxWait, "maxWait");
        return op(maxWait, false).startInline().await();
    }

    @Override
    public CompletableFuture<Lease> acquireAsync(Duration maxWait) {
        Args.nonNegative(maxWait, "maxWait");
        return op(maxWait, false).startAsync().future();
    }

    @Override
    public Optional<Lease> tryAcquire() {
        return Optional.ofNullable(op(Duration.ZERO, true).startInline().await());
    }

    @Override
    public CompletableFuture<Optional<Lease>> tryAcquireAsync() {
        return op(Duration.ZERO, true).startAsync().future().thenApply(Optional::ofNullable);
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
        return engine.call(name, () -> engine.backend().inspect(key)).map(i -> i.withName(name));
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
