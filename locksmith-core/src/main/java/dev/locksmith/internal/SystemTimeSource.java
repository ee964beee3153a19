package dev.locksmith.internal;

import dev.locksmith.TimeSource;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** {@link System#nanoTime()} and one shared daemon timer thread. Not API. */
public final class SystemTimeSource implements TimeSource {
    public static final SystemTimeSource INSTANCE = new SystemTimeSource();

    private final ScheduledThreadPoolExecutor timer;

    private SystemTimeSource() {
        timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "locksmith-timer");
            t.setDaemon(true);
            return t;
        });
        // cancelled waits are common (a notification beat the timeout): drop them at once
        timer.setRemoveOnCancelPolicy(true);
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Timeout schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> f =
                timer.schedule(task, Math.max(0, Durations.toNanosSaturated(delay)), TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }
}
