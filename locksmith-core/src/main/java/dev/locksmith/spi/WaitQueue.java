package dev.locksmith.spi;

import dev.locksmith.LeaseKind;

/**
 * Role: the store keeps a wait queue per key, so that a release names the one waiter to try next
 * ({@link ReleaseListener#released(String)}) and a release costs one attempt however many
 * processes wait. A store in this role is also a {@link ReleaseFeed}.
 *
 * <p>An {@link AcquireRequest#queue() queued} attempt that fails puts the owner in the queue (or
 * keeps its place there); the entry must outlive the holder's remaining lease, and a grant takes
 * the owner out.
 */
public interface WaitQueue {

    /**
     * Takes {@code owner} out of the queue after it gave up waiting (timed out or was cancelled),
     * so that no release names a waiter that is gone. Best effort: entries also lapse by
     * themselves.
     */
    void leaveQueue(LeaseKind kind, String key, String owner);

    /**
     * As {@code inspect(LOCK, key)}, and when the lock is held, also asks that the next release be
     * published even if no acquirer waits, for those waiting only to see it free.
     */
    Holders inspectOrWatch(String key);
}
