package dev.locksmith.bench;

import dev.locksmith.bench.Driver.Held;
import dev.locksmith.bench.Driver.Session;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Runs the lock and semaphore workloads: a warm-up, then a measured window, each bounded in time.
 * Every worker records into its own histogram; they are merged at the end.
 */
final class LoadRunner {
    /** How long a worker waits for one acquisition before counting a timeout. */
    static final Duration MAX_WAIT = Duration.ofSeconds(10);
    /** Hold time in the hand-off workload, so that a waiter is always queued. */
    static final long HANDOFF_HOLD_NANOS = 1_000_000;
    /** A worker gives up after this many failures in a row (a broken driver must not spin for the whole run). */
    static final int MAX_CONSECUTIVE_FAILURES = 50;

    private final Duration warmup;
    private final Duration duration;
    private final PrintStream progress;

    LoadRunner(Duration warmup, Duration duration, PrintStream progress) {
        this.warmup = warmup;
        this.duration = duration;
        this.progress = progress;
    }

    Result run(Workload w, Driver d) {
        boolean perWorker = w.kind() != Workload.Kind.UNCONTENDED;
        List<Session> sessions = new ArrayList<>();
        try {
            if (perWorker) {
                for (int i = 0; i < w.workers(); i++) {
                    sessions.add(d.open(1));
                }
            } else {
                sessions.add(d.open(w.workers()));
            }
        } catch (RuntimeException e) {
            closeAll(sessions);
            return Result.skipped(w.id(), d, "could not open a client: " + Report.oneLine(e));
        }
        try {
            return measure(w, d, sessions, perWorker);
        } finally {
            closeAll(sessions);
        }
    }

    private Result measure(Workload w, Driver d, List<Session> sessions, boolean perWorker) {
        String run = "w" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        long start = System.nanoTime();
        long measureFrom = start + warmup.toNanos();
        long end = measureFrom + duration.toNanos();
        LongAdder ops = new LongAdder();
        LongAdder allOps = new LongAdder();
        LongAdder errors = new LongAdder();
        AtomicLong lastReleaseStart = new AtomicLong();
        AtomicInteger lastHolder = new AtomicInteger(-1);
        LongAdder transfers = new LongAdder();
        AtomicReference<String> firstError = new AtomicReference<>();
        Histogram[] main = new Histogram[w.workers()];
        Histogram[] handoff = new Histogram[w.workers()];
        Thread[] threads = new Thread[w.workers()];
        for (int i = 0; i < w.workers(); i++) {
            Histogram h = main[i] = Latency.newHistogram();
            Histogram ho = handoff[i] = Latency.newHistogram();
            Session s = perWorker ? sessions.get(i) : sessions.get(0);
            int worker = i;
            String name = w.kind() == Workload.Kind.UNCONTENDED ? run + "-k" + i : run + "-one";
            threads[i] = new Thread(
                    () -> {
                        int failures = 0;
                        while (System.nanoTime() - end < 0 && failures < MAX_CONSECUTIVE_FAILURES) {
                            long t0 = System.nanoTime();
                            Held held;
                            try {
                                held = w.kind() == Workload.Kind.SEMAPHORE
                                        ? s.permit(name, w.permits(), MAX_WAIT)
                                        : s.lock(name, MAX_WAIT);
                            } catch (RuntimeException e) {
                                firstError.compareAndSet(null, Report.oneLine(e));
                                errors.increment();
                                failures++;
                                continue;
                            }
                            long t1 = System.nanoTime();
                            if (held == null) {
                                firstError.compareAndSet(
                                        null, "acquire timed out after " + MAX_WAIT.toSeconds() + " s");
                                errors.increment();
                                failures++;
                                continue;
                            }
                            boolean measured = t0 - measureFrom >= 0;
                            if (w.kind() == Workload.Kind.CONTENDED || w.kind() == Workload.Kind.HANDOFF) {
                                long releasedAt = lastReleaseStart.getAndSet(0);
                                int previous = lastHolder.getAndSet(worker);
                                // a hand-off is a grant to another worker; re-grants to the releasing worker are not
                                if (previous != worker && releasedAt != 0 && measured) {
                                    ho.recordValue(Math.max(0, t1 - releasedAt));
                                    transfers.increment();
                                }
                                if (w.kind() == Workload.Kind.HANDOFF) {
                                    LockSupport.parkNanos(HANDOFF_HOLD_NANOS);
                                }
                                lastReleaseStart.set(System.nanoTime());
                            }
                            try {
                                held.release();
                            } catch (RuntimeException e) {
                                firstError.compareAndSet(null, "release: " + Report.oneLine(e));
                                errors.increment();
                                failures++;
                                continue;
                            }
                            failures = 0;
                            long t2 = System.nanoTime();
                            if (w.kind() == Workload.Kind.HANDOFF) {
                                // think time outside the lock: without it the releasing worker re-acquires at
                                // once and the waiters, who must first be woken, rarely get a turn
                                LockSupport.parkNanos(HANDOFF_HOLD_NANOS);
                            }
                            allOps.increment();
                            if (measured && t2 - end <= 0) {
                                ops.increment();
                                h.recordValue(w.kind() == Workload.Kind.UNCONTENDED ? t2 - t0 : t1 - t0);
                            }
                        }
                    },
                    "bench-" + d.name() + "-" + i);
            threads[i].setDaemon(true);
        }
        for (Thread t : threads) {
            t.start();
        }
        long lastOps = 0;
        long lastAt = start;
        boolean alive = true;
        while (alive) {
            alive = false;
            for (Thread t : threads) {
                try {
                    t.join(Math.max(1, 1000 - (System.nanoTime() - lastAt) / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                if (t.isAlive()) {
                    alive = true;
                    break;
                }
            }
            long now = System.nanoTime();
            if (now - lastAt >= 900_000_000L || !alive) {
                long total = allOps.sum();
                double rate = (total - lastOps) / ((now - lastAt) / 1e9);
                String phase = now - measureFrom < 0 ? "warmup " : "measure";
                progress.printf(
                        Locale.ROOT,
                        "\r  %-18s %-16s %s %5.1f/%.0fs  %,10d ops  %,9.0f ops/s  errors %d   ",
                        w.id(),
                        d.name(),
                        phase,
                        (now - start) / 1e9,
                        (end - start) / 1e9,
                        total,
                        rate,
                        errors.sum());
                progress.flush();
                lastOps = total;
                lastAt = now;
            }
            if (alive && now - end > MAX_WAIT.toNanos() + 5_000_000_000L) {
                for (Thread t : threads) {
                    t.interrupt();
                }
                firstError.compareAndSet(null, "workers did not stop; interrupted");
                break;
            }
        }
        progress.println();
        Histogram merged = Latency.newHistogram();
        for (Histogram h : main) {
            merged.add(h);
        }
        Histogram mergedHandoff = Latency.newHistogram();
        for (Histogram h : handoff) {
            mergedHandoff.add(h);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        Latency primary = Latency.of(merged);
        if (w.kind() == Workload.Kind.HANDOFF) {
            extra.put("acquire_p50_us", Report.micros(primary.p50()));
            primary = Latency.of(mergedHandoff);
        } else if (w.kind() == Workload.Kind.CONTENDED) {
            Latency ho = Latency.of(mergedHandoff);
            extra.put("handoff_p50_us", Report.micros(ho.p50()));
            extra.put("handoff_p99_us", Report.micros(ho.p99()));
        }
        if (w.kind() == Workload.Kind.CONTENDED || w.kind() == Workload.Kind.HANDOFF) {
            extra.put(
                    "handoffs_per_s", String.format(Locale.ROOT, "%.0f", transfers.sum() / (duration.toNanos() / 1e9)));
        }
        if (firstError.get() != null) {
            extra.put("first_error", firstError.get());
        }
        double seconds = duration.toNanos() / 1e9;
        return new Result(
                w.id(), d.name(), d.store(), d.isLocksmith(), ops.sum(), seconds, primary, errors.sum(), null, extra);
    }

    private static void closeAll(List<Session> sessions) {
        for (Session s : sessions) {
            try {
                s.close();
            } catch (RuntimeException e) {
                System.err.println("  (closing a session failed: " + Report.oneLine(e) + ")");
            }
        }
    }
}
