package dev.locksmith;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * A value that only the current holder of its lock can write. The store checks the writer's
 * fencing token in the same atomic step as the write, so a holder whose lease was lost and taken
 * over cannot overwrite the new holder's value. The guarding lock is the lock of the same name.
 * Thread-safe.
 */
public interface GuardedState<T> {

    /** The state name, which is also the name of its lock. */
    String name();

    /** The current value without locking: the last committed value, or the initial value. */
    T get();

    /**
     * Acquires the lock, applies {@code update} to the current value, writes the result and
     * releases. Returns the written value.
     */
    T update(UnaryOperator<T> update);

    /** {@link #update(UnaryOperator)} without blocking a thread while waiting for the lock. */
    CompletableFuture<T> updateAsync(UnaryOperator<T> update);

    /** Acquires the lock and returns a handle to read and write the value. */
    StateHandle<T> acquire();

    /** Acquires the lock, waiting at most {@code maxWait}. */
    StateHandle<T> acquire(Duration maxWait);

    /**
     * Waits until nobody holds the lock, then returns the value.
     *
     * @throws LockAcquisitionTimeoutException if the lock was still held after {@code maxWait}
     */
    T awaitUnlocked(Duration maxWait);

    /** {@link #awaitUnlocked(Duration)} without blocking a thread. */
    CompletableFuture<T> awaitUnlockedAsync(Duration maxWait);

    /** A held lock on a guarded value. Closing releases the lock without writing uncommitted changes. */
    interface StateHandle<T> extends AutoCloseable {

        /** The value as last read or set through this handle. */
        T value();

        /** Sets the value locally; {@link #commit()} writes it. */
        void set(T value);

        /**
         * Writes the value, checked against this handle's fencing token inside the store.
         *
         * @throws StaleFencingTokenException if the lock was granted to someone else since
         * @throws LockLostException if the lock is no longer held by this handle
         */
        void commit();

        /** The lease behind this handle. */
        Lease lease();

        /** Releases the lock. Idempotent. */
        @Override
        void close();
    }
}
