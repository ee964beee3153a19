package dev.locksmith;

import dev.locksmith.internal.Args;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides whether and when a contended acquisition tries again.
 *
 * <p>Between attempts a waiter also wakes early when the store reports a release, and never
 * sleeps past the holder's remaining lease, so the delay is an upper bound on how long a lost
 * notification can cost, not a polling rate. Policies are immutable and thread-safe. Any lambda
 * {@code (attempt, elapsed, previousDelay) -> ...} is a custom policy.
 */
@FunctionalInterface
public interface RetryPolicy {

    /** Exponential backoff from 5 ms to 1 s with 50% jitter, without an attempt limit. */
    RetryPolicy DEFAULT = exponential(Duration.ofMillis(5), Duration.ofSeconds(1), 0.5);

    /**
     * Decides what follows a failed attempt.
     *
     * @param attempt the number of failed attempts so far: 1 after the first
     * @param elapsed time since the acquisition began
     * @param previousDelay the delay chosen before the failed attempt; {@link Duration#ZERO} after
     *     the first
     * @return the delay before the next attempt, or empty to give up
     */
    Optional<Duration> nextDelay(int attempt, Duration elapsed, Duration previousDelay);

    /** A single attempt: never retry. */
    static RetryPolicy none() {
        return (attempt, elapsed, previous) -> Optional.empty();
    }

    /** Retries forever with the same delay (a release notification still wakes the waiter early). */
    static RetryPolicy fixed(Duration delay) {
        Args.positive(delay, "delay");
        Optional<Duration> next = Optional.of(delay);
        return (attempt, elapsed, previous) -> next;
    }

    /** At most {@code maxRetries} retries, {@code delay} apart: {@code maxRetries + 1} attempts in all. */
    static RetryPolicy fixed(Duration delay, int maxRetries) {
        return fixed(delay).withMaxRetries(maxRetries);
    }

    /**
     * Delays that double from {@code initial} up to {@code max}; each is then drawn uniformly from
     * {@code [d * (1 - jitter), d]} so that waiters spread out.
     *
     * @param jitter between 0 (none) and 1 inclusive
     */
    static RetryPolicy exponential(Duration initial, Duration max, double jitter) {
        Args.positive(initial, "initial");
        Args.positive(max, "max");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be >= initial, was " + max + " < " + initial);
        }
        if (!(jitter >= 0.0 && jitter <= 1.0)) {
            throw new IllegalArgumentException("jitter must be between 0.0 and 1.0, was " + jitter);
        }
        long initialNanos = initial.toNanos();
        long maxNanos = max.toNanos();
        return (attempt, elapsed, previous) -> {
            int shift = Math.min(Math.max(attempt - 1, 0), 62);
            long base = initialNanos > (maxNanos >> shift) ? maxNanos : Math.min(maxNanos, initialNanos << shift);
            long low = (long) (base * (1.0 - jitter));
            long chosen = low >= base ? base : ThreadLocalRandom.current().nextLong(low, base + 1);
            return Optional.of(Duration.ofNanos(chosen));
        };
    }

    /** This policy, giving up after {@code maxRetries} retries ({@code maxRetries + 1} attempts). */
    default RetryPolicy withMaxRetries(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries must be >= 0, was " + maxRetries);
        }
        RetryPolicy self = this;
        return (attempt, elapsed, previous) ->
                attempt > maxRetries ? Optional.empty() : self.nextDelay(attempt, elapsed, previous);
    }

    /**
     * This policy, giving up once {@code maxDuration} has passed since the acquisition began; the
     * last delay is shortened so that a final attempt happens at that limit.
     */
    default RetryPolicy withMaxDuration(Duration maxDuration) {
        Args.nonNegative(maxDuration, "maxDuration");
        RetryPolicy self = this;
        return (attempt, elapsed, previous) -> {
            if (elapsed.compareTo(maxDuration) >= 0) {
                return Optional.empty();
            }
            Duration left = maxDuration.minus(elapsed);
            return self.nextDelay(attempt, elapsed, previous).map(d -> d.compareTo(left) > 0 ? left : d);
        };
    }
}
