package dev.locksmith.internal;

import dev.locksmith.DistributedSemaphore;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockOptions;
import dev.locksmith.SemaphoreInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** {@link DistributedSemaphore} on the engine: each permit is a lease of kind {@link LeaseKind#PERMIT}. */
final class SemaphoreHandle implements DistributedSemaphore {
    private final Engine engine;
    private final String name;
    private final String key;
    private final int permits;
    private final LockOptions options;

    SemaphoreHandle(Engine engine, String name, int permits, LockOptions options) {
        this.engine = engine;
        this.name = name;
        this.key = engine.key(name);
        this.permits = permits;
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxPermits() {
        return permits;
    }

    private AcquireOp<Lease> op(Duration maxWait, boolean single) {
        engine.checkOpen();
        String owner = options.owner().orElseGet(engine::newOwner);
        Duration ttl = options.ttl();
        return new AcquireOp<>(
                engine,
                LeaseKind.PERMIT,
                name,
                key,
                options.retry(),
                maxWait,
                single,
                () -> engine.backend().tryAcquirePermit(key, owner, permits, ttl),
                (r, sentAt) -> {
                    LeaseImpl lease = new LeaseImpl(
                            engine,
                            LeaseKind.PERMIT,
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
    public int available() {
        return inspect().available();
    }

    @Override
    public SemaphoreInfo inspect() {
        engine.checkOpen();
        return engine.call(name, () -> engine.backend().inspectSemaphore(key))
                .map(info -> new SemaphoreInfo(
                        name,
                        permits,
                        info.holders().stream().map(h -> h.withName(name)).toList()))
                .orElseGet(() -> new SemaphoreInfo(name, permits, List.of()));
    }

    @Override
    public String toString() {
        return "DistributedSemaphore{" + name + ", permits=" + permits + "}";
    }
}
