package dev.locksmith;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of one grant as the store sees it.
 *
 * @param name the lock or semaphore name
 * @param kind whether this is a lock or a semaphore permit
 * @param owner the holder's owner id
 * @param fencingToken the grant's fencing token
 * @param remaining time left on the lease by the store's clock
 */
public record LockInfo(String name, LeaseKind kind, String owner, long fencingToken, Duration remaining) {
    public LockInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(remaining, "remaining");
    }

    /** The same grant under another name (used to strip or add the namespace). */
    public LockInfo withName(String newName) {
        return new LockInfo(newName, kind, owner, fencingToken, remaining);
    }
}
