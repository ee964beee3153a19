package dev.locksmith.internal;

import dev.locksmith.DistributedSemaphore;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockOptions;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.Holders;
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
    AcquireRequest request(String owner, Duration ttl) {
        return AcquireRequest.permit(key, owner, permits, ttl);
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
        Holders holders = engine.call(name, () -> engine.backend().inspect(LeaseKind.PERMIT, key));
        if (holders.isFree()) {
            return new SemaphoreInfo(name, permits, List.of());
        }
        // the limit recorded by the latest grant, which another client may have set differently
        return new SemaphoreInfo(
                name,
                holders.maxPermits() > 0 ? holders.maxPermits() : permits,
                holders.grants().stream().map(h -> h.withName(name)).toList());
    }

    @Override
    public String toString() {
        return "DistributedSemaphore{" + name + ", permits=" + permits + "}";
    }
}
