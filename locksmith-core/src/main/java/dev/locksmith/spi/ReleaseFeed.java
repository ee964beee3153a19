package dev.locksmith.spi;

import dev.locksmith.LeaseKind;

/**
 * Role: the store tells subscribers when a grant is released, by any client, so waiters wake
 * instead of polling. {@code dev.locksmith.spi.support.FeedListeners} keeps the registry and
 * {@code ReconnectingListener} the listening thread of a store that pushes notifications.
 */
public interface ReleaseFeed {

    /**
     * Registers {@code listener} to be told when the lock (or a permit) of {@code key} is released.
     * It runs on a store thread and must not block. After a lost and re-established connection, a
     * feed tells every listener once (with {@code null}), since a release may have been missed.
     */
    Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener);

    /** Whether the feed also reports grants that expired, not only released ones. Default: no. */
    default boolean reportsExpiry() {
        return false;
    }
}
