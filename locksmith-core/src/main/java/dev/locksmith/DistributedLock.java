package dev.locksmith;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.function.Supplier;

/**
 * A named mutual-exclusion lock shared by every client of the same store and namespace. Cheap to
 * create and thread-safe; it holds no state beyond its name and options.
 */
public interface DistributedLock {

    /** The lock name (without the namespace). */
    String name();

    /** The options used by every acquisition of this handle. */
    LockOptions options();

    /**
     * Acquires the lock, waiting as long as the retry policy allows.
     *
     * @throws LockAcquisitionTimeoutException if the retry policy gave up
     * @throws LockInterruptedException if the thread was interrupted while waiting
     */
    Lease acquire();

    /**
     * Acquires the lock, waiting at most {@code maxWait} (and no longer than the retry policy
     * allows).
     *
     * @param maxWait zero or positive; zero makes one attempt
     * @throws LockAcquisitionTimeoutException if it was not acquired in time
     */
    Lease acquire(Duration maxWait);

    /** {@link #acquire(Duration)} without blocking a thread while waiting. */
    CompletableFuture<Lease> acquireAsync(Duration maxWait);

    /** One attempt: the lease if the lock was free (or already held by this options' fixed owner). */
    Optional<Lease> tryAcquire();

    /** {@link #tryAcquire()} without blocking the caller. */
    CompletableFuture<Optional<Lease>> tryAcquireAsync();

    /** Acquires, runs {@code action}, and releases even if it throws. */
    <T> T withLock(Supplier<T> action);

    /** Acquires, runs {@code action}, and releases even if it throws. */
    void withLock(Runnable action);

    /** The current holder by the store's view, or empty if the lock is free. */
    Optional<LockInfo> inspect();

    /** Whether anyone holds the lock right now. */
    default boolean isLocked() {
        return inspect().isPresent();
    }

    /**
     * A {@link Lock} view of this lock. It is thread-bound as that interface requires and
     * re-entrant per thread; {@link Lock#newCondition()} is not supported.
     */
    Lock asJavaLock();
}
