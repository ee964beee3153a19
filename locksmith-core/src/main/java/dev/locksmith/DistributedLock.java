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

    /**
     * Acquires, runs {@code action}, and releases even if it throws.
     *
     * @throws LockLostException after the action, if the lease was lost before the action returned
     *     (an operator force-released it, it expired): the action's work was not protected
     */
    <T> T withLock(Supplier<T> action);

    /** As {@link #withLock(Supplier)}. */
    void withLock(Runnable action);

    /**
     * Acquires (waiting as the retry policy allows), runs {@code action} with the lease, so that it
     * can pass the fencing token on, and releases even if it throws. A checked exception of the
     * action is rethrown as it is.
     *
     * @throws LockLostException after the action, if the lease was lost before the action returned
     */
    default <T, X extends Exception> T withLock(LeaseFunction<T, X> action) throws X {
        throw new UnsupportedOperationException();
    }

    /** As {@link #withLock(LeaseFunction)}, waiting at most {@code maxWait} for the lock. */
    default <T, X extends Exception> T withLock(Duration maxWait, LeaseFunction<T, X> action) throws X {
        throw new UnsupportedOperationException();
    }

    /** As {@link #withLock(LeaseFunction)}, for an action without a result. */
    default <X extends Exception> void runWithLock(LeaseConsumer<X> action) throws X {
        throw new UnsupportedOperationException();
    }

    /** As {@link #runWithLock(LeaseConsumer)}, waiting at most {@code maxWait} for the lock. */
    default <X extends Exception> void runWithLock(Duration maxWait, LeaseConsumer<X> action) throws X {
        throw new UnsupportedOperationException();
    }

    /**
     * Releases the grant held by {@code owner}, from anywhere (another process that knows the
     * owner id, an operator): owner-checked, without acquiring.
     *
     * @return whether {@code owner} held the lock and it was released
     */
    default boolean release(String owner) {
        throw new UnsupportedOperationException();
    }

    /**
     * Extends the grant held by {@code owner} to {@code ttl} from now, from anywhere:
     * owner-checked, without acquiring.
     *
     * @return whether {@code owner} held the lock and it was extended
     */
    default boolean extend(String owner, Duration ttl) {
        throw new UnsupportedOperationException();
    }

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
