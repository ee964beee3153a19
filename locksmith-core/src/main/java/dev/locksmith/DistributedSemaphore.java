package dev.locksmith;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A named counting semaphore. Each permit is a {@link Lease}: owned, expiring, auto-extended and
 * fenced, so a crashed holder's permit comes back after its TTL. Thread-safe.
 */
public interface DistributedSemaphore {

    /** The semaphore name (without the namespace). */
    String name();

    /** The number of permits this handle enforces. */
    int maxPermits();

    /** Takes a permit, waiting as long as the retry policy allows. */
    Lease acquire();

    /** Takes a permit, waiting at most {@code maxWait}. */
    Lease acquire(Duration maxWait);

    /** {@link #acquire(Duration)} without blocking a thread while waiting. */
    CompletableFuture<Lease> acquireAsync(Duration maxWait);

    /** One attempt to take a permit. */
    Optional<Lease> tryAcquire();

    /** {@link #tryAcquire()} without blocking the caller. */
    CompletableFuture<Optional<Lease>> tryAcquireAsync();

    /** Permits free right now under this handle's limit, by the store's view of live permits. */
    int available();

    /** Holders, and the limit recorded by the latest grant, by the store's view. */
    SemaphoreInfo inspect();
}
