package dev.locksmith.testkit;

import dev.locksmith.TimeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link TimeSource} that moves only when told to. Scheduled tasks run on the thread that calls
 * {@link #advance(Duration)}, in due order, with the clock set to each task's due time. Use it with
 * {@code Locksmith.builder().uri("mem:").timeSource(time).executor(Runnable::run)} to test expiry,
 * renewal and retry timing deterministically, without sleeping. Thread-safe.
 */
public final class ManualTimeSource implements TimeSource {

    /** A clock at an arbitrary start, with no tasks. */
    public ManualTimeSource() {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final List<Duration> scheduledDelays = new ArrayList<>();
    private long now = 1_000_000_000L;
    private long sequence;

    private final class Task implements Comparable<Task>, Timeout {
        final long due;
        final long seq;
        final Runnable action;
        boolean cancelled;

        Task(long due, long seq, Runnable action) {
            this.due = due;
            this.seq = seq;
            this.action = action;
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }

        @Override
        public boolean cancel() {
            synchronized (ManualTimeSource.this) {
                if (cancelled || !tasks.remove(this)) {
                    return false;
                }
                cancelled = true;
                return true;
            }
        }
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Timeout schedule(Duration delay, Runnable task) {
        scheduledDelays.add(delay);
        long d;
        try {
            d = Math.max(0, delay.toNanos());
        } catch (ArithmeticException e) {
            d = Long.MAX_VALUE / 4;
        }
        Task t = new Task(now + Math.min(d, Long.MAX_VALUE / 4), sequence++, task);
        tasks.add(t);
        return t;
    }

    /** Moves the clock forward by {@code step}, running every task that falls due on the way. */
    public void advance(Duration step) {
        long target;
        synchronized (this) {
            target = now + step.toNanos();
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due > target) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = Math.max(now, next.due);
            }
            next.action.run();
        }
    }

    /** Runs the tasks that are due now without moving the clock. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** Number of tasks waiting to run. */
    public synchronized int pendingTasks() {
        return tasks.size();
    }

    /** Every delay passed to {@link #schedule} so far, in order. */
    public synchronized List<Duration> scheduledDelays() {
        return List.copyOf(scheduledDelays);
    }
}
