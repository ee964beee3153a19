package dev.locksmith.internal;

import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockOptions;
import dev.locksmith.spi.AcquireRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** What locks and semaphores share: turning attempts into leases, in sync and async forms. */
abstract class LeaseSource {
    final Engine engine;
    final LeaseKind kind;
    final String name;
    final String key;
    final LockOptions options;

    LeaseSource(Engine engine, LeaseKind kind, String name, LockOptions options) {
        this.engine = engine;
        this.kind = kind;
        this.name = name;
        this.key = engine.key(name);
        this.options = options;
    }

    /** One store attempt for {@code owner}; with {@code queue}, a failed one queues the owner. */
    abstract AcquireRequest request(String owner, Duration ttl);

    AcquireOp<Lease> op(Duration maxWait, boolean single) {
        engine.checkOpen();
        String owner = options.owner().orElseGet(engine::newOwner);
        Duration ttl = options.ttl();
        return new AcquireOp<>(
                engine,
                kind,
                name,
                key,
                owner,
                options.retry(),
                maxWait,
                single,
                (queue, timeout) -> {
                    AcquireRequest request = request(owner, ttl).withTimeout(timeout);
                    return engine.backend().tryAcquire(queue ? request.queued() : request);
                },
                (r, sentAt) -> {
                    LeaseImpl lease = new LeaseImpl(
                            engine, kind, name, key, owner, r.fencingToken(), r.ttl(), options.autoExtend(), sentAt);
                    engine.keeper().add(lease);
                    return lease;
                },
                // a grant nobody will receive: release it, unless the owner is fixed and may hold
                // the same grant through another lease (then only stop keeping this copy alive)
                options.owner().isPresent() ? lease -> ((LeaseImpl) lease).abandon() : Lease::close);
    }

    public Lease acquire() {
        return op(null, false).startInline().await();
    }

    public Lease acquire(Duration maxWait) {
        Args.nonNegative(maxWait, "maxWait");
        return op(maxWait, false).startInline().await();
    }

    public CompletableFuture<Lease> acquireAsync(Duration maxWait) {
        Args.nonNegative(maxWait, "maxWait");
        return op(maxWait, false).startAsync().future();
    }

    public Optional<Lease> tryAcquire() {
        return Optional.ofNullable(op(Duration.ZERO, true).startInline().await());
    }

    public CompletableFuture<Optional<Lease>> tryAcquireAsync() {
        return op(Duration.ZERO, true).startAsync().future().thenApply(Optional::ofNullable);
    }
}
