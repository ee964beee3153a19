package dev.locksmith.redis;

import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.SetParams;

/**
 * A small harness (not a test: run by hand, see docs/backends/redis.md) that measures one thread's
 * lock-plus-release cycle against the raw two-command floor, and hand-offs of one lock between 16
 * threads, on the Redis at 127.0.0.1:6379.
 */
public final class HotPathMeasure {
    private static final String DEL =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

    private HotPathMeasure() {}

    private interface Cycle {
        void run(int i);
    }

    private static void report(String name, int n, Cycle c) {
        for (int i = 0; i < n / 2; i++) {
            c.run(i);
        }
        long[] t = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            c.run(i);
            t[i] = System.nanoTime() - s;
        }
        long total = System.nanoTime() - start;
        Arrays.sort(t);
        System.out.printf(
                "%-36s p50 %5d us  p99 %6d us  %7.0f cycles/s%n",
                name, t[n / 2] / 1000, t[n * 99 / 100] / 1000, n * 1e9 / total);
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        String ns = "measure" + System.nanoTime();
        String rawKey = ns + ":raw";
        try (Jedis j = new Jedis("127.0.0.1", 6379)) {
            String sha = j.scriptLoad(DEL);
            report("raw SET NX PX + Lua delete (Jedis)", n, i -> {
                j.set(rawKey, "o" + i, SetParams.setParams().nx().px(5000));
                j.evalsha(sha, List.of(rawKey), List.of("o" + i));
            });
        }
        try (Locksmith ls =
                Locksmith.builder().uri("redis://127.0.0.1:6379").namespace(ns).build()) {
            DistributedLock lock = ls.lock("hot");
            report("Locksmith tryAcquire + release", n, i -> lock.tryAcquire()
                    .orElseThrow()
                    .release());
            contended(ls, 16, Duration.ofSeconds(5));
        }
        try (Jedis j = new Jedis("127.0.0.1", 6379)) {
            for (String k : j.keys(KeyLayout.globEscape("ls:{" + ns) + "*")) {
                j.del(k);
            }
        }
    }

    private static void contended(Locksmith ls, int threads, Duration duration) throws InterruptedException {
        DistributedLock lock = ls.lock("contended", LockOptions.builder().build());
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong handoffs = new AtomicLong();
        ConcurrentLinkedQueue<Long> waits = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(threads);
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        long s = System.nanoTime();
                        try (Lease lease = lock.acquire(Duration.ofSeconds(30))) {
                            waits.add(System.nanoTime() - s);
                            handoffs.incrementAndGet();
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
            ts.add(t);
            t.start();
        }
        Thread.sleep(duration.toMillis()); // the measurement window
        stop.set(true);
        done.await();
        long[] w = waits.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                "%-36s %7.0f hand-offs/s  acquire p50 %5d us  p99 %6d us%n",
                threads + " threads, one lock",
                handoffs.get() * 1000.0 / duration.toMillis(),
                w[w.length / 2] / 1000,
                w[w.length * 99 / 100] / 1000);
    }
}
