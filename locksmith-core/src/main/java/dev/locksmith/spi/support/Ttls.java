package dev.locksmith.spi.support;

import java.time.Duration;

/** Lease arithmetic for stores: rounding a TTL up to the store's unit, without overflow. */
public final class Ttls {
    private Ttls() {}

    /** {@code ttl} in whole milliseconds, rounded up (a lease is never shorter than asked); at least 1. */
    public static long millisUp(Duration ttl) {
        return unitsUp(ttl, Duration.ofMillis(1));
    }

    /** {@code ttl} in whole {@code unit}s, rounded up, at least 1, saturating at {@link Long#MAX_VALUE}. */
    public static long unitsUp(Duration ttl, Duration unit) {
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        try {
            long whole = ttl.dividedBy(unit); // exact: Duration division truncates
            return Math.max(unit.multipliedBy(whole).equals(ttl) ? whole : Math.addExact(whole, 1), 1);
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
