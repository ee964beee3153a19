package dev.locksmith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One grant of a lock or a semaphore permit. A lease, not a thread, owns the grant: any thread
 * may extend or release it. Thread-safe.
 *
 * <p>Closing releases the grant; {@code close()} is idempotent and never throws for a lease that
 * was already released or lost.
 */
public interface Lease extends AutoCloseable {

    /** The lock or semaphore name. */
    String name();

    /** Whether this is a lock or a semaphore permit. */
    LeaseKind kind();

    /** The owner id the store records for this grant. */
    String owner();

    /**
     * The grant's fencing token: strictly greater than the token of every earlier grant of the same
     * name. Pass it to the resource you protect and have it reject writes with a lower token than it
     * has seen.
     */
    long fencingToken();

    /**
     * Time left before this client must assume the grant is gone: measured from when the last
     * acquire or extend request was sent, less a drift margin. Zero once lost or released.
     */
    Duration remaining();

    /** True while the lease is held: neither released nor lost, and its local deadline has not passed. */
    boolean isValid();

    /**
     * Extends the grant to {@code ttl} from now, by the store's clock.
     *
     * @throws LockLostException if the store no longer has this grant (the lease is then marked lost)
     * @throws LockNotHeldException if the lease was already released
     */
    void extend(Duration ttl);

    /**
     * Extends the grant by the TTL it was acquired with.
     *
     * @throws LockLostException if the store no longer has this grant
     * @throws LockNotHeldException if the lease was already released
     */
    default void extend() {
        throw new UnsupportedOperationException(
                "extend() is not supported by " + getClass().getName());
    }

    /**
     * Asks the store, in one round trip, whether it still shows this grant (this owner and token).
     * Unlike {@link #isValid()}, which is local and cheap, this sees an operator's force-release or
     * an expiry the client did not hear of. A false answer also marks the lease lost.
     *
     * @return true if the store still has this grant
     */
    default boolean checkHeld() {
        throw new UnsupportedOperationException(
                "checkHeld() is not supported by " + getClass().getName());
    }

    /**
     * Releases the grant like {@link #release()}, but reports a grant the store no longer had by
     * exception rather than by {@code false}.
     *
     * @throws LockLostException if the grant had expired, been removed or been taken over (the loss
     *     it carries says so)
     * @throws LockNotHeldException if the lease was already released
     */
    default void releaseOrThrow() {
        throw new UnsupportedOperationException(
                "releaseOrThrow() is not supported by " + getClass().getName());
    }

    /** {@link #extend(Duration)} without blocking the caller. */
    CompletableFuture<Void> extendAsync(Duration ttl);

    /**
     * Releases the grant and stops its auto-extension.
     *
     * @return true if the store still had this grant; false if it had expired or been taken away
     */
    boolean release();

    /** {@link #release()} without blocking the caller. */
    CompletableFuture<Boolean> releaseAsync();

    /** Runs {@code listener} once if the lease is lost (at once if it already was). Not called on release. */
    void onLost(Consumer<LeaseLoss> listener);

    /** Completes with the loss if the lease is lost; stays incomplete after a normal release. */
    CompletableFuture<LeaseLoss> whenLost();

    /** Releases the grant if still held. Idempotent. */
    @Override
    void close();
}
