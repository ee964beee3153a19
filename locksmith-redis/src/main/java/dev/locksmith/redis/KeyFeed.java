package dev.locksmith.redis;

import dev.locksmith.LeaseKind;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;

/** How a {@link RedisBackend} hears releases: {@link ClassicFeed} or, on a cluster, {@link ShardedFeed}. */
interface KeyFeed {

    /** Registers {@code listener} for releases of {@code key}; see {@link dev.locksmith.spi.ReleaseFeed#subscribe}. */
    Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener);

    /** Stops listening and forgets every listener. */
    void close();
}
