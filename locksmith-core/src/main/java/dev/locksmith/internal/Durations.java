package dev.locksmith.internal;

import java.time.Duration;

/** Duration arithmetic that does not overflow. Not API. */
public final class Durations {
    private Durations() {}

    public static long toNanosSaturated(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }
}
