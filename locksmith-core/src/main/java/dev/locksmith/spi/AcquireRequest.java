package dev.locksmith.spi;

import dev.locksmith.LeaseKind;
import java.time.Duration;
import java.util.Objects;

/**
 * One acquisition attempt.
 *
 * @param kind a lock (at most one holder) or a semaphore permit
 * @param key the store key (namespace included)
 * @param owner who acquires
 * @param maxPermits how many live grants the key may have at most: 1 for a lock
 * @param ttl the lease to grant, from now by the store's clock
 * @param queue whether a failed attempt should put (or keep) the owner in the key's wait queue;
 *     only a {@link WaitQueue} store reads it
 * @param timeout the longest the call may take, the time left before the caller's deadline; a
 *     store that can bound a call (a socket or statement timeout, a pool wait) bounds it by this,
 *     or by its own default when {@code null}
 */
public record AcquireRequest(
        LeaseKind kind, String key, String owner, int maxPermits, Duration ttl, boolean queue, Duration timeout) {

    public AcquireRequest {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ttl, "ttl");
        if (maxPermits < 1 || (kind == LeaseKind.LOCK && maxPermits != 1)) {
            throw new IllegalArgumentException(
                    "maxPermits must be 1 for a lock and >= 1 for permits, was " + maxPermits);
        }
    }

    /** A lock request. */
    public static AcquireRequest lock(String key, String owner, Duration ttl) {
        return new AcquireRequest(LeaseKind.LOCK, key, owner, 1, ttl, false, null);
    }

    /** A permit request. */
    public static AcquireRequest permit(String key, String owner, int maxPermits, Duration ttl) {
        return new AcquireRequest(LeaseKind.PERMIT, key, owner, maxPermits, ttl, false, null);
    }

    /** This request, queueing on failure. */
    public AcquireRequest queued() {
        return new AcquireRequest(kind, key, owner, maxPermits, ttl, true, timeout);
    }

    /** This request, bounded by {@code callTimeout}. */
    public AcquireRequest withTimeout(Duration callTimeout) {
        return new AcquireRequest(kind, key, owner, maxPermits, ttl, queue, callTimeout);
    }

    /** Whether this is a lock request. */
    public boolean isLock() {
        return kind == LeaseKind.LOCK;
    }
}
