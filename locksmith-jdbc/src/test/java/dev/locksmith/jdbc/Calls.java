package dev.locksmith.jdbc;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import java.time.Duration;
import java.util.Optional;

/** The store calls the backend tests make, one line each, through the kind-neutral SPI. */
final class Calls {
    private Calls() {}

    static AcquireResult tryAcquire(Backend b, String key, String owner, Duration ttl) {
        return b.tryAcquire(AcquireRequest.lock(key, owner, ttl));
    }

    static AcquireResult tryAcquireOrQueue(Backend b, String key, String owner, Duration ttl) {
        return b.tryAcquire(AcquireRequest.lock(key, owner, ttl).queued());
    }

    static AcquireResult tryAcquirePermit(Backend b, String key, String owner, int max, Duration ttl) {
        return b.tryAcquire(AcquireRequest.permit(key, owner, max, ttl));
    }

    static AcquireResult tryAcquirePermitOrQueue(Backend b, String key, String owner, int max, Duration ttl) {
        return b.tryAcquire(AcquireRequest.permit(key, owner, max, ttl).queued());
    }

    static boolean extend(Backend b, String key, String owner, Duration ttl) {
        return b.extend(new LeaseRef(LeaseKind.LOCK, key, owner, ttl));
    }

    static boolean extendPermit(Backend b, String key, String owner, Duration ttl) {
        return b.extend(new LeaseRef(LeaseKind.PERMIT, key, owner, ttl));
    }

    static boolean release(Backend b, String key, String owner) {
        return b.release(LeaseKind.LOCK, key, owner);
    }

    static boolean releasePermit(Backend b, String key, String owner) {
        return b.release(LeaseKind.PERMIT, key, owner);
    }

    static Optional<LockInfo> inspect(Backend b, String key) {
        Holders h = b.inspect(LeaseKind.LOCK, key);
        return h.isFree() ? Optional.empty() : Optional.of(h.first());
    }

    static Optional<SemaphoreInfo> inspectSemaphore(Backend b, String key) {
        Holders h = b.inspect(LeaseKind.PERMIT, key);
        return h.isFree() ? Optional.empty() : Optional.of(new SemaphoreInfo(key, h.maxPermits(), h.grants()));
    }
}
