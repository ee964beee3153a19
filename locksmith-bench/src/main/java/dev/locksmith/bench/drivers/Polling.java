package dev.locksmith.bench.drivers;

import dev.locksmith.bench.Driver.Held;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waiting for drivers that only offer a single attempt: retry at a fixed interval until a deadline. */
final class Polling {
    /** The retry interval for single-attempt drivers. */
    static final Duration INTERVAL = Duration.ofMillis(1);

    private Polling() {}

    static Held until(Duration maxWait, Supplier<Held> attempt) {
        long deadline = System.nanoTime() + maxWait.toNanos();
        while (true) {
            Held h = attempt.get();
            if (h != null) {
                return h;
            }
            if (System.nanoTime() - deadline >= 0) {
                return null;
            }
            LockSupport.parkNanos(INTERVAL.toNanos());
            if (Thread.currentThread().isInterrupted()) {
                return null;
            }
        }
    }
}
