package dev.locksmith.redis;

import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.spi.AcquireRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.params.SetParams;

/**
 * A small harness (not a test: run by hand, see docs/backends/redis.md) that measures one thread's
 * lock-plus-release cycle against the raw two-command floor, and hand-offs of one lock between 16
 * threads, on the Redis at 127.0.0.1:6379. The single-thread variants run in interleaved rounds
 * (the first two discarded as warm-up), so that drift in the machine's load hits them alike; each
 * figure is the median over rounds.
 */
public final class HotPathMeasure {
    private static final String DEL =
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
    private static final int ROUNDS = 12;
    private static final int WARM_UP_ROUNDS = 2;

    private HotPathMeasure() {}

    private interface Cycle {
        void run(int i);
    }

    /** Per round: p50, mean and p99 of one cycle, in microseconds. */
    private static double[] round(int n, Cycle c) {
        long[] t = new long[n];
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            c.run(i);
            t[i] = System.nanoTime() - s;
        }
        long total = System.nanoTime() - start;
        Arrays.sort(t);
        return new double[] {t[n / 2] / 1e3, total / 1e3 / n, t[n * 99 / 100] / 1e3};
    }

    private static double median(List<double[]> rounds, int field) {
        double[] v = rounds.stream().mapToDouble(r -> r[field]).sorted().toArray();
        return v[v.length / 2];
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 3_000;
        String ns = "measure" + System.nanoTime();
        String rawKey = ns + ":raw";
        String pooledKey = ns + ":pooled";
        try (Jedis j = new Jedis("127.0.0.1", 6379);
                JedisPooled pooled = new JedisPooled("127.0.0.1", 6379);
                RedisBackend spi = RedisBackend.create(new JedisPooled("127.0.0.1", 6379), RedisOptions.defaults());
                Locksmith ls = Locksmith.builder()
                        .uri("redis://127.0.0.1:6379")
                        .namespace(ns)
                        .build()) {
            String sha = j.scriptLoad(DEL);
            DistributedLock lock = ls.lock("hot");
            DistributedLock waiting = ls.lock("hot-wait");
            Map<String, Cycle> variants = new LinkedHashMap<>();
            variants.put("raw SET NX PX + Lua delete (Jedis)", i -> {
                j.set(rawKey, "o" + i, SetParams.setParams().nx().px(5000));
                j.evalsha(sha, List.of(rawKey), List.of("o" + i));
            });
            variants.put("raw, the same over JedisPooled", i -> {
                pooled.set(pooledKey, "o" + i, SetParams.setParams().nx().px(5000));
                pooled.evalsha(sha, List.of(pooledKey), List.of("o" + i));
            });
            variants.put("RedisBackend tryAcquire + release", i -> {
                if (!spi.tryAcquire(AcquireRequest.lock(ns + "/spi", "o" + i, Duration.ofSeconds(10)))
                        .isAcquired()) {
                    throw new IllegalStateException("not acquired");
                }
                spi.release(LeaseKind.LOCK, ns + "/spi", "o" + i);
            });
            // a request's timeout shorter than the socket timeout (2 s) takes the bounded path: a
            // connection borrowed within it, its socket timeout set and reset; others take the usual path
            variants.put("RedisBackend, timeout 10 s (usual)", i -> {
                spi.tryAcquire(AcquireRequest.lock(ns + "/t10", "o" + i, Duration.ofSeconds(10))
                        .withTimeout(Duration.ofSeconds(10)));
                spi.release(LeaseKind.LOCK, ns + "/t10", "o" + i);
            });
            variants.put("RedisBackend, timeout 1 s (bounded)", i -> {
                spi.tryAcquire(AcquireRequest.lock(ns + "/t1", "o" + i, Duration.ofSeconds(10))
                        .withTimeout(Duration.ofSeconds(1)));
                spi.release(LeaseKind.LOCK, ns + "/t1", "o" + i);
            });
            variants.put(
                    "Locksmith tryAcquire() + release",
                    i -> lock.tryAcquire().orElseThrow().release());
            variants.put("Locksmith acquire(10 s) + close", i -> waiting.acquire(Duration.ofSeconds(10))
                    .close());
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            for (int r = 0; r < ROUNDS; r++) {
                for (Map.Entry<String, Cycle> v : variants.entrySet()) {
                    double[] one = round(n, v.getValue());
                    if (r >= WARM_UP_ROUNDS) {
                        results.computeIfAbsent(v.getKey(), k -> new ArrayList<>())
                                .add(one);
                    }
                }
            }
            results.forEach((name, rounds) -> System.out.printf(
                    "%-36s p50 %6.1f us  mean %6.1f us  p99 %7.1f us%n",
                    name, median(rounds, 0), median(rounds, 1), median(rounds, 2)));
            contended(ls, 16, Duration.ofSeconds(5));
        }
        try (Jedis j = new Jedis("127.0.0.1", 6379)) {
            j.del(rawKey, pooledKey);
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
