package dev.locksmith.bench;

import java.time.Duration;

/**
 * One library (or the raw floor) on one store, as the load generator sees it. A driver opens
 * {@link Session}s: a session is one client as an application would create it (its own
 * connections and threads). Workloads that model separate processes open one session per worker.
 */
public interface Driver extends AutoCloseable {

    /** Short stable name used in tables, CSV and the chart, e.g. {@code locksmith-redis}. */
    String name();

    /** The store the driver talks to: {@code mem}, {@code redis}, {@code postgresql}, {@code sqlite}. */
    String store();

    /** Whether this is Locksmith (ratios are computed from Locksmith rows to peer rows). */
    boolean isLocksmith();

    /** Whether the driver has counting semaphores. */
    default boolean supportsSemaphore() {
        return false;
    }

    /** Whether held locks are kept alive in the background until released (needed by the held-leases workload). */
    default boolean supportsAutoExtension() {
        return false;
    }

    /**
     * A string that every store request of this driver's locks carries (its random key prefix or
     * namespace), for counting its requests on a shared server; {@code null} if unknown.
     */
    default String keyFragment() {
        return null;
    }

    /** The name prefix of the library's own threads (for counting them), or {@code null}. */
    default String threadNamePrefix() {
        return null;
    }

    /** How the driver waits for a busy lock, shown in the report (e.g. "pub/sub", "polls every 1 ms"). */
    String waiting();

    /**
     * Opens a client. {@code concurrency} is the number of threads that will use it at once, for
     * pool sizing.
     */
    Session open(int concurrency);

    /**
     * Opens a client whose locks are held with auto-extension at {@code ttl} (renewed every ttl/3
     * or the library's equivalent). Only for drivers that {@link #supportsAutoExtension()}.
     */
    default Session openHeld(int concurrency, Duration ttl) {
        throw new UnsupportedOperationException(name() + " has no auto-extension");
    }

    /** Drops what the driver created on the store (tables); sessions are closed already. */
    @Override
    default void close() {}

    /** One client of a driver. Thread-safe unless the driver says otherwise. */
    interface Session extends AutoCloseable {

        /**
         * Acquires lock {@code name}, waiting at most {@code maxWait}.
         *
         * @return the held lock, or {@code null} if it was not acquired in time
         */
        Held lock(String name, Duration maxWait);

        /** Takes one of {@code permits} permits of semaphore {@code name}, or {@code null} on timeout. */
        default Held permit(String name, int permits, Duration maxWait) {
            throw new UnsupportedOperationException("no semaphore");
        }

        /** Client-side call counters, for drivers that can count their store calls (else empty). */
        default java.util.Map<String, Long> counters() {
            return java.util.Map.of();
        }

        @Override
        void close();
    }

    /** A held lock or permit. */
    interface Held {
        /** Releases it; called on the thread that acquired it (some peers are thread-bound). */
        void release();

        /** Whether the holder still believes it holds it (for drivers that track that). */
        default boolean valid() {
            return true;
        }
    }
}
