package dev.locksmith.spi.support;

import java.time.Duration;

/** Lease arithmetic for stores: rounding a TTL up to the store's unit, without overflow. */
public final class Ttls {
    private Ttls() {}

    /** {@code ttl} in whole milliseconds, rounded up (a lease is never shorter than asked); at least 1. */
    public static long millisUp(Duration ttl) {
        return unitsUp(ttl, Duration.ofMillis(1));
    }

    /** {@code ttl} in whole seconds, rounded up; at least 1. */
    public static long secondsUp(Duration ttl) {
        return unitsUp(ttl, Duration.ofSeconds(1));
    }

    /** {@code ttl} in whole {@code unit}s, rounded up, at least 1, saturating at {@link Long#MAX_VALUE}. */
    public static long unitsUp(Duration ttl, Duration unit) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        long unitNanos = unit.toNanos();
        long seconds = ttl.getSeconds();
        long wholeUnitsPerSecond = 1_000_000_000L / unitNanos;
        if (unitNanos <= 1_000_000_000L && 1_000_000_000L % unitNanos == 0) {
            if (seconds > (Long.MAX_VALUE - 1) / wholeUnitsPerSecond) {
                return Long.MAX_VALUE;
            }
            long n = seconds * wholeUnitsPerSecond + (ttl.getNano() + unitNanos - 1) / unitNanos;
            return Math.max(n, 1);
        }
        long q = ttl.dividedBy(unit);
        return Math.max(ttl.equals(unit.multipliedBy(q)) ? q : q + 1, 1);
    }

    /** The TTL a store grants for {@code ttl} when it counts in {@code unit}s. */
    public static Duration grantedUp(Duration ttl, Duration unit) {
        long n = unitsUp(ttl, unit);
        try {
            return unit.multipliedBy(n);
        } catch (ArithmeticException e) {
            return ttl;
        }
    }
}
