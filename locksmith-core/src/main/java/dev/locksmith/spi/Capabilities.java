package dev.locksmith.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a store supports and guarantees. The engine reads it (TTL limits, whether to wait for
 * notifications) and the conformance suite uses it to decide which contract cases apply.
 *
 * @param releaseNotifications the store tells subscribers when a lock or permit is released
 * @param expiryNotifications the store also tells them when a grant expires
 * @param durableTokens fencing tokens survive a restart of the store (given its documented setup)
 * @param linearizable grants are linearizable (a consensus store, or a single node)
 * @param minTtl the shortest lease the store can grant
 * @param ttlGranularity the store rounds leases up to a multiple of this
 * @param semaphores semaphore operations are supported
 * @param guardedState guarded-state operations are supported
 */
public record Capabilities(
        boolean releaseNotifications,
        boolean expiryNotifications,
        boolean durableTokens,
        boolean linearizable,
        Duration minTtl,
        Duration ttlGranularity,
        boolean semaphores,
        boolean guardedState) {

    public Capabilities {
        Objects.requireNonNull(minTtl, "minTtl");
        Objects.requireNonNull(ttlGranularity, "ttlGranularity");
    }
}
