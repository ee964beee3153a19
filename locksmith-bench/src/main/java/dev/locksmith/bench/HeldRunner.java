package dev.locksmith.bench;

import dev.locksmith.bench.Driver.Held;
import dev.locksmith.bench.Driver.Session;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The many-held-leases workload: acquire N locks with auto-extension, keep them for two renewal
 * periods, count what renewal costs (store commands, client calls, threads, heap), release.
 */
final class HeldRunner {
    /** Threads that acquire (and later release) the leases; each releases its own, for thread-bound peers. */
    static final int ACQUIRE_THREADS = 8;
    /** A store that cannot take N leases in this time is reported with what it took. */
    static final Duration MAX_ACQUIRE = Duration.ofSeconds(90);
    /** Releasing is given this long before the run moves on (its threads are daemons). */
    static final Duration MAX_RELEASE = Duration.ofSeconds(120);

    private final Duration ttl;
    private final PrintStream progress;

    HeldRunner(Duration ttl, PrintStream progress) {
        this.ttl = ttl;
        this.progress = progress;
    }

    /** Renewal period the drivers are configured for: a third of the TTL. */
    Duration period() {
        return ttl.dividedBy(3);
    }

    Result run(Workload w, Driver d, StoreProbe probe) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        awaitLibraryThreadsGone(d.threadNamePrefix());
        java.util.Set<Long> threadsBefore = liveThreadIds();
        Session session;
        try {
            session = d.openHeld(ACQUIRE_THREADS, ttl);
        } catch (RuntimeException e) {
            return Result.skipped(w.id(), d, "could not open a client: " + Report.oneLine(e));
        }
        // heap per lease leaves out the client's fixed cost: measured after it is open
        settleHeap(memory);
        long heap0 = memory.getHeapMemoryUsage().getUsed();
        String run = "h" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        int n = w.leases();
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        CountDownLatch allAcquired = new CountDownLatch(ACQUIRE_THREADS);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch released = new CountDownLatch(ACQUIRE_THREADS);
        List<Thread> workers = new ArrayList<>();
        long t0 = System.nanoTime();
        long acquireDeadline = t0 + MAX_ACQUIRE.toNanos();
        for (int t = 0; t < ACQUIRE_THREADS; t++) {
            int slot = t;
            Thread th = new Thread(
                    () -> {
                        List<Held> mine = new ArrayList<>();
                        try {
                            for (int i = slot; i < n; i += ACQUIRE_THREADS) {
                                if (System.nanoTime() - acquireDeadline > 0) {
                                    firstError.compareAndSet(
                                            null, "stopped acquiring after " + MAX_ACQUIRE.toSeconds() + " s");
                                    break;
                                }
                                try {
                                    Held h = session.lock(run + "-" + i, LoadRunner.MAX_WAIT);
                                    if (h == null) {
                                        failed.incrementAndGet();
                                    } else {
                                        mine.add(h);
                                        acquired.incrementAndGet();
                                    }
                                } catch (RuntimeException e) {
                                    firstError.compareAndSet(null, Report.oneLine(e));
                                    if (failed.incrementAndGet() > 100) {
                                        break;
                                    }
                                }
                            }
                        } finally {
                            allAcquired.countDown();
                        }
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        for (Held h : mine) {
                            if (!h.valid()) {
                                lost.incrementAndGet();
                            }
                            try {
                                h.release();
                            } catch (RuntimeException e) {
                                firstError.compareAndSet(null, "release: " + Report.oneLine(e));
                            }
                        }
                        released.countDown();
                    },
                    "bench-held-" + t);
            th.setDaemon(true);
            workers.add(th);
            th.start();
        }
        Map<String, String> extra = new LinkedHashMap<>();
        try {
            while (!allAcquired.await(1, TimeUnit.SECONDS)) {
                progress.printf(
                        Locale.ROOT,
                        "\r  %-18s %-16s acquiring %,d/%,d (%.0f s)   ",
                        w.id(),
                        d.name(),
                        acquired.get(),
                        n,
                        (System.nanoTime() - t0) / 1e9);
                progress.flush();
            }
            double acquireSeconds = (System.nanoTime() - t0) / 1e9;
            settleHeap(memory);
            long heap1 = memory.getHeapMemoryUsage().getUsed();
            List<String> newThreads = newThreadNames(threadsBefore);

            Duration window = period().multipliedBy(2);
            StoreProbe.RequestCount requests =
                    probe == null || d.keyFragment() == null ? null : probe.countRequests(d.keyFragment());
            Map<String, Long> store0 = probe == null ? Map.of() : probe.counters();
            Map<String, Long> client0 = session.counters();
            long w0 = System.nanoTime();
            long windowEnd = w0 + window.toNanos();
            int peakThreads = 0;
            long nextPrint = 0;
            while (System.nanoTime() - windowEnd < 0) {
                long left = windowEnd - System.nanoTime();
                Thread.sleep(Math.max(1, Math.min(50, left / 1_000_000)));
                if (d.threadNamePrefix() != null) {
                    peakThreads = Math.max(peakThreads, countThreads(d.threadNamePrefix()));
                }
                if (System.nanoTime() - nextPrint < 0) {
                    continue;
                }
                nextPrint = System.nanoTime() + 1_000_000_000L;
                progress.printf(
                        Locale.ROOT,
                        "\r  %-18s %-16s holding %,d leases, measuring renewal %.0f/%.0f s   ",
                        w.id(),
                        d.name(),
                        acquired.get(),
                        (System.nanoTime() - w0) / 1e9,
                        window.toNanos() / 1e9);
                progress.flush();
            }
            double windowSeconds = (System.nanoTime() - w0) / 1e9;
            Map<String, Long> store1 = probe == null ? Map.of() : probe.counters();
            Map<String, Long> client1 = session.counters();
            long requestCount = requests == null ? -1 : requests.stop();
            double periods = windowSeconds / (period().toNanos() / 1e9);
            int held = acquired.get();

            extra.put("leases", Integer.toString(held));
            extra.put("acquire_per_s", String.format(Locale.ROOT, "%.0f", held / acquireSeconds));
            extra.put("renewal_period_s", String.format(Locale.ROOT, "%.2f", period().toNanos() / 1e9));
            extra.put("window_s", String.format(Locale.ROOT, "%.1f", windowSeconds));
            extra.put("heap_bytes_per_lease", held == 0 ? "-" : Long.toString(Math.max(0, heap1 - heap0) / held));
            extra.put("threads_added", Integer.toString(newThreads.size()));
            extra.put("threads_added_names", summarize(newThreads));
            if (d.threadNamePrefix() != null) {
                extra.put("library_threads_peak_in_window", Integer.toString(peakThreads));
                List<String> lib = new ArrayList<>();
                for (Thread t : Thread.getAllStackTraces().keySet()) {
                    if (t.isAlive() && t.getName().startsWith(d.threadNamePrefix())) {
                        lib.add(t.getName());
                    }
                }
                extra.put("library_threads_live", lib.size() + " (" + summarize(lib) + ")");
            }
            if (requestCount >= 0) {
                extra.put("requests_per_period", String.format(Locale.ROOT, "%.1f", requestCount / periods));
                extra.put(
                        "requests_per_100_leases_per_period",
                        held == 0 ? "-" : String.format(Locale.ROOT, "%.3f", requestCount / periods / (held / 100.0)));
            }
            if (probe != null && !store1.isEmpty()) {
                // two probe connections run one INFO or one SELECT each inside the window
                long storeCalls = delta(store0, store1, storeTotalKey(store1)) - 1;
                extra.put(
                        storeTotalKey(store1).equals("total")
                                ? "server_commands_per_period_incl_script_internals"
                                : "server_transactions_per_period",
                        String.format(Locale.ROOT, "%.0f", storeCalls / periods));
                extra.put("store_top_commands", topCommands(store0, store1));
            }
            if (!client1.isEmpty()) {
                long spi = 0;
                StringBuilder perMethod = new StringBuilder();
                for (var e : client1.entrySet()) {
                    long dlt = e.getValue() - client0.getOrDefault(e.getKey(), 0L);
                    if (dlt > 0) {
                        spi += dlt;
                        perMethod
                                .append(perMethod.length() == 0 ? "" : " ")
                                .append(e.getKey().substring("spi.".length()))
                                .append('=')
                                .append(dlt);
                    }
                }
                extra.put("spi_calls_per_period", String.format(Locale.ROOT, "%.1f", spi / periods));
                extra.put("spi_calls_in_window", perMethod.toString());
            }
            release.countDown();
            long r0 = System.nanoTime();
            if (!released.await(MAX_RELEASE.toSeconds(), TimeUnit.SECONDS)) {
                firstError.compareAndSet(null, "releasing did not finish in " + MAX_RELEASE.toSeconds() + " s");
                extra.put("release_stuck", "true");
            }
            extra.put("release_s", String.format(Locale.ROOT, "%.1f", (System.nanoTime() - r0) / 1e9));
            extra.put("lost_before_release", Integer.toString(lost.get()));
            if (failed.get() > 0) {
                extra.put("failed_acquires", Integer.toString(failed.get()));
            }
            if (firstError.get() != null) {
                extra.put("first_error", firstError.get());
            }
            progress.println();
            return new Result(
                    w.id(),
                    d.name(),
                    d.store(),
                    d.isLocksmith(),
                    held,
                    acquireSeconds,
                    Latency.NONE,
                    failed.get(),
                    null,
                    extra);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release.countDown();
            return Result.skipped(w.id(), d, "interrupted");
        } finally {
            release.countDown();
            closeWithin(session, Duration.ofSeconds(30));
        }
    }

    private static String storeTotalKey(Map<String, Long> counters) {
        return counters.containsKey("total") ? "total" : "transactions";
    }

    private static long delta(Map<String, Long> a, Map<String, Long> b, String key) {
        return b.getOrDefault(key, 0L) - a.getOrDefault(key, 0L);
    }

    private static String topCommands(Map<String, Long> a, Map<String, Long> b) {
        return b.entrySet().stream()
                .filter(e -> !e.getKey().equals("total") && !e.getKey().equals("transactions"))
                .map(e -> Map.entry(e.getKey(), e.getValue() - a.getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
                .limit(4)
                .map(e -> e.getKey() + "=" + e.getValue())
                .reduce((x, y) -> x + " " + y)
                .orElse("");
    }

    /** Closes the session, but never waits longer than {@code limit} for a stuck client. */
    private void closeWithin(Session session, Duration limit) {
        Thread t = new Thread(
                () -> {
                    try {
                        session.close();
                    } catch (RuntimeException e) {
                        progress.println("  (closing the client failed: " + Report.oneLine(e) + ")");
                    }
                },
                "bench-close");
        t.setDaemon(true);
        t.start();
        try {
            t.join(limit.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            progress.println("  (the client did not close in " + limit.toSeconds() + " s; moving on)");
        }
    }

    /**
     * Clients closed by earlier runs take a moment to end their threads; wait (at most 5 s) until at
     * most one thread with the library's prefix is left (a shared timer), so the count is this run's.
     */
    private static void awaitLibraryThreadsGone(String prefix) {
        if (prefix == null) {
            return;
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            long live = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith(prefix))
                    .count();
            if (live <= 1) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static int countThreads(String prefix) {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(prefix)) {
                n++;
            }
        }
        return n;
    }

    private static java.util.Set<Long> liveThreadIds() {
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            ids.add(t.getId());
        }
        return ids;
    }

    /** Live threads started since {@code before}, other than the harness's own. */
    private static List<String> newThreadNames(java.util.Set<Long> before) {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && !before.contains(t.getId()) && !t.getName().startsWith("bench-")) {
                names.add(t.getName());
            }
        }
        return names;
    }

    /** Thread names with their numbers stripped and counted: {@code redisson-netty x2, keeper}. */
    static String summarize(List<String> names) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (String n : names) {
            counts.merge(n.replaceAll("[0-9]+", "N"), 1, Integer::sum);
        }
        List<String> parts = new ArrayList<>();
        counts.forEach((k, v) -> parts.add(v == 1 ? k : k + " x" + v));
        return String.join(" ", parts);
    }

    private static void settleHeap(MemoryMXBean memory) {
        for (int i = 0; i < 3; i++) {
            memory.gc();
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
