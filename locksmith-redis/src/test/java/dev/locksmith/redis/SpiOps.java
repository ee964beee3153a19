package dev.locksmith.redis;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import java.time.Duration;
import java.util.Optional;

/**
 * The backend's kind-neutral operations spelled per kind, so that the backend-level tests read one
 * call per line: {@code ops.tryAcquirePermit(k, "a", 2, ttl)} is {@code tryAcquire(AcquireRequest.permit(...))}.
 */
record SpiOps(RedisBackend backend) {

    AcquireResult tryAcquire(String key, String owner, Duration ttl) {
        return backend.tryAcquire(AcquireRequest.lock(key, owner, ttl));
    }

    AcquireResult tryAcquireOrQueue(String key, String owner, Duration ttl) {
        return backend.tryAcquire(AcquireRequest.lock(key, owner, ttl).queued());
    }

    AcquireResult tryAcquirePermit(String key, String owner, int maxPermits, Duration ttl) {
        return backend.tryAcquire(AcquireRequest.permit(key, owner, maxPermits, ttl));
    }

    AcquireResult tryAcquirePermitOrQueue(String key, String owner, int maxPermits, Duration ttl) {
        return backend.tryAcquire(
                AcquireRequest.permit(key, owner, maxPermits, ttl).queued());
    }

    boolean extend(String key, String owner, Duration ttl) {
        return backend.extend(new LeaseRef(LeaseKind.LOCK, key, owner, ttl));
    }

    boolean extendPermit(String key, String owner, Duration ttl) {
        return backend.extend(new LeaseRef(LeaseKind.PERMIT, key, owner, ttl));
    }

    boolean release(String key, String owner) {
        return backend.release(LeaseKind.LOCK, key, owner);
    }

    boolean releasePermit(String key, String owner) {
        return backend.release(LeaseKind.PERMIT, key, owner);
    }

    Optional<LockInfo> inspect(String key) {
        return lock(backend.inspect(LeaseKind.LOCK, key));
    }

    Optional<LockInfo> inspectOrWatch(String key) {
        return lock(backend.inspectOrWatch(key));
    }

    Optional<SemaphoreInfo> inspectSemaphore(String key) {
        Holders h = backend.inspect(LeaseKind.PERMIT, key);
        return h.isFree() ? Optional.empty() : Optional.of(new SemaphoreInfo(key, h.maxPermits(), h.grants()));
    }

    private static Optional<LockInfo> lock(Holders h) {
        return h.isFree() ? Optional.empty() : Optional.of(h.first());
    }
}
