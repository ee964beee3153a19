package dev.locksmith;

import java.time.Duration;

/**
 * The client's monotonic clock and timer. Locksmith measures every client-side deadline (waits,
 * local lease validity, renewal times) with it, and never uses it to judge expiry in a store.
 *
 * <p>Inject a manual implementation (the testkit's {@code ManualTimeSource}) to test expiry,
 * renewal and retry timing without sleeping. The in-memory backend also uses it as its server
 * clock.
 */
public interface TimeSource {

    /** A monotonic reading in nanoseconds, comparable only with other readings of this source. */
    long nanoTime();

    /**
     * Runs {@code task} once after {@code delay}. Tasks must be short and must not block: they
     * run on the timer's thread.
     *
     * @return a handle that cancels the task if it has not started
     */
    Timeout schedule(Duration delay, Runnable task);

    /** A scheduled task. */
    interface Timeout {
        /** Cancels the task if it has not run yet; returns whether it was cancelled by this call. */
        boolean cancel();
    }

    /** The system clock ({@link System#nanoTime()}) with one shared daemon timer thread. */
    static TimeSource system() {
        return dev.locksmith.internal.SystemTimeSource.INSTANCE;
    }
}
