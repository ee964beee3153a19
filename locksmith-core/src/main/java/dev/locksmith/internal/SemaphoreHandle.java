package dev.locksmith.internal;

import dev.locksmith.DistributedSemaphore;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockOptions;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireResult;
import java.time.Duration;
import java.util.List;

/** {@link DistributedSemaphore} on the engine: each permit is a lease of kind {@link LeaseKind#PERMIT}. */
final class SemaphoreHandle extends LeaseSource implements DistributedSemaphore {
    private final int permits;

    SemaphoreHandle(Engine engine, String name, int permits, LockOptions options) {
        super(engine, LeaseKind.PERMIT, name, options);
        this.permits = permits;
    }

    @Override
    AcquireResult attempt(String owner, Duration ttl, boolean queue) {
        return queue
                ? engine.backend().tryAcquirePermitOrQueue(key, owner, permits, ttl)
                : engine.backend().tryAcquirePermit(key, owner, permits, ttl);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int maxPermits() {
        return permits;
    }

    @Override
    public int available() {
        return Math.max(0, permits - inspect().active());
    }

    @Override
    public SemaphoreInfo inspect() {
        engine.checkOpen();
        return engine.call(name, () -> engine.backend().inspectSemaphore(key))
                // the limit recorded by the latest grant, which another client may have set differently
                .map(info -> new SemaphoreInfo(
                        name,
                        info.maxPermits() > 0 ? info.maxPermits() : permits,
                        info.holders().stream().map(h -> h.withName(name)).toList()))
                .orElseGet(() -> new SemaphoreInfo(name, permits, List.of()));
    }

    @Override
    public String toString() {
        return "DistributedSemaphore{" + name + ", permits=" + permits + "}";
    }
}
