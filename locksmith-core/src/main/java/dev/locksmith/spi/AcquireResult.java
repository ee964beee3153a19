package dev.locksmith.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one acquisition attempt in a store: either a grant with its fencing token, or the
 * fact that the lock (or every permit) is held.
 */
public final class AcquireResult {
    private final boolean acquired;
    private final long fencingToken;
    private final Duration ttl;
    private final String holder;

    private AcquireResult(boolean acquired, long fencingToken, Duration ttl, String holder) {
        this.acquired = acquired;
        this.fencingToken = fencingToken;
        this.ttl = ttl;
        this.holder = holder;
    }

    /**
     * The caller now holds the grant.
     *
     * @param fencingToken the grant's token; the same as before when the same owner already held it
     * @param ttl the lease the store granted (it may round the requested one up)
     */
    public static AcquireResult acquired(long fencingToken, Duration ttl) {
        return new AcquireResult(true, fencingToken, Objects.requireNonNull(ttl, "ttl"), null);
    }

    /**
     * Someone else holds it.
     *
     * @param holder the holder's owner id, or {@code null} if unknown (or several permit holders)
     * @param remaining the time until the store would free it by expiry (for a semaphore: the
     *     earliest permit expiry), or {@code null} if unknown
     */
    public static AcquireResult held(String holder, Duration remaining) {
        return new AcquireResult(false, 0, remaining, holder);
    }

    public boolean isAcquired() {
        return acquired;
    }

    /** The fencing token of the grant; only for an acquired result. */
    public long fencingToken() {
        if (!acquired) {
            throw new IllegalStateException("not acquired");
        }
        return fencingToken;
    }

    /** The granted TTL, or for a held result the holder's remaining time (possibly {@code null}). */
    public Duration ttl() {
        return ttl;
    }

    /** For a held result: the holder's owner id, or {@code null}. */
    public String holder() {
        return holder;
    }

    @Override
    public String toString() {
        return acquired
                ? "acquired(token=" + fencingToken + ", ttl=" + ttl + ")"
                : "held(by=" + holder + ", remaining=" + ttl + ")";
    }
}
