package dev.locksmith;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of a semaphore as the store sees it.
 *
 * @param name the semaphore name
 * @param maxPermits the permit limit recorded by the most recent grant
 * @param holders the live permits
 */
public record SemaphoreInfo(String name, int maxPermits, List<LockInfo> holders) {
    public SemaphoreInfo {
        Objects.requireNonNull(name, "name");
        holders = List.copyOf(holders);
    }

    /** Number of permits currently held. */
    public int active() {
        return holders.size();
    }

    /** Number of permits free right now (never negative). */
    public int available() {
        return Math.max(0, maxPermits - holders.size());
    }
}
