package dev.locksmith.nats;

import dev.locksmith.DistributedLock;
import dev.locksmith.LeaseKind;
import dev.locksmith.Locksmith;
import dev.locksmith.spi.AcquireRequest;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Not a test: measures one uncontended lock-plus-release cycle on the NATS at 127.0.0.1:4222
 * against a raw jnats floor of the same store operations (create the lease key, compare-and-set
 * the record to name the holder, compare-and-set it back, delete the lease key without waiting),
 * in interleaved rounds; each figure is the median over rounds of the round's p50/p99.
 *
 * <pre>
 * mvn -q -pl locksmith-nats -am test-compile -Dspotless.check.skip=true
 * java -cp "locksmith-nats/target/test-classes:locksmith-nats/target/classes:$(cat cp.txt)" dev.locksmith.nats.NatsHotPathMeasure [rounds] [cycles]
 * </pre>
 */
public final class NatsHotPathMeasure {
    private NatsHotPathMeasure() {}

    interface Cycle {
        void run(int i) throws Exception;
    }

    private static double[] round(int n, Cycle c) throws Exception {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            c.run(i);
            t[i] = System.nanoTime() - s;
        }
        Arrays.sort(t);
        return new double[] {t[n / 2] / 1000.0, t[(int) (n * 0.99)] / 1000.0};
    }

    private static double median(List<double[]> rounds, int field) {
        double[] v = rounds.stream().mapToDouble(r -> r[field]).sorted().toArray();
        return v[v.length / 2];
    }

    /** {@code threads} threads of one client on one lock: hand-offs per second and release-to-grant latency. */
    private static void contended(Locksmith ls, int threads, Duration run) throws InterruptedException {
        DistributedLock lock = ls.lock("contended");
        java.util.concurrent.atomic.AtomicLong released = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ConcurrentLinkedQueue<Long> handOffs = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.concurrent.atomic.AtomicInteger grants = new java.util.concurrent.atomic.AtomicInteger();
        long end = System.nanoTime() + run.toNanos();
        List<Thread> ts = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    try (var lease = lock.acquire(Duration.ofSeconds(30))) {
                        long r = released.get();
                        if (r != 0) {
                            handOffs.add(System.nanoTime() - r);
                        }
                        grants.incrementAndGet();
                        released.set(System.nanoTime()); // just before the release itself
                    } catch (RuntimeException e) {
                        // counted as nothing
                    }
                }
            });
            ts.add(t);
            t.start();
        }
        for (Thread t : ts) {
            t.join();
        }
        long[] h = handOffs.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                "%d threads, one client, one lock, %d s: %.0f hand-offs/s; release-to-next-grant p50 %.1f us, p99 %.1f us%n",
                threads,
                run.toSeconds(),
                grants.get() / (double) run.toSeconds(),
                h.length == 0 ? 0.0 : h[h.length / 2] / 1000.0,
                h.length == 0 ? 0.0 : h[(int) (h.length * 0.99)] / 1000.0);
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 7;
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String bucket = "lsbench-" + UUID.randomUUID().toString().substring(0, 8);
        String uri = NatsTestSupport.uri(NatsTestSupport.PORT, bucket);
        try (Locksmith ls = Locksmith.builder().uri(uri).namespace("bench").build();
                Connection raw = NatsTestSupport.connect(NatsTestSupport.PORT)) {
            DistributedLock lock = ls.lock("hot");
            lock.tryAcquire().orElseThrow().release(); // creates the lease bucket of the default lease
            NatsBackend spi =
                    NatsBackend.create(raw, NatsOptions.builder().bucket(bucket).build());
            String found = "";
            for (String b : raw.keyValueManagement().getBucketNames()) {
                if (b.startsWith(bucket + "-lease-")) {
                    found = b;
                }
            }
            String leaseBucket = found;
            KeyValue records = raw.keyValue(bucket);
            KeyValue leases = raw.keyValue(leaseBucket);
            String rk = KeyNames.recordKey(LeaseKind.LOCK, "bench/raw");
            byte[] owner = "raw-owner".getBytes(StandardCharsets.UTF_8);
            long[] rev = {records.put(rk, GrantRecord.EMPTY.encode())};
            Duration ttl = Duration.ofMillis(Long.parseLong(leaseBucket.substring(leaseBucket.lastIndexOf('-') + 1)));
            Map<String, Cycle> variants = new LinkedHashMap<>();
            variants.put("raw jnats floor (create lease, CAS record, CAS record, delete lease no-wait)", i -> {
                String id = "r" + i + "x" + rev[0];
                leases.create(id, owner);
                GrantRecord held = GrantRecord.EMPTY.with(
                        false, 1, List.of(new GrantRecord.Grant("raw-owner", id, ttl.toMillis(), 0)), null);
                long r1 = records.update(rk, held.encode(), rev[0]);
                rev[0] = records.update(
                        rk, held.resolved(r1).with(true, 1, List.of(), null).encode(), r1);
                Headers h = new Headers().put("KV-Operation", "DEL");
                raw.publish("$KV." + leaseBucket + "." + id, h, new byte[0]);
            });
            variants.put("NatsBackend tryAcquire + release", i -> {
                if (!spi.tryAcquire(AcquireRequest.lock("bench/spi", "o" + i, ttl))
                        .isAcquired()) {
                    throw new IllegalStateException("not acquired");
                }
                spi.release(LeaseKind.LOCK, "bench/spi", "o" + i);
            });
            variants.put(
                    "Locksmith tryAcquire() + release",
                    i -> lock.tryAcquire().orElseThrow().release());
            Map<String, List<double[]>> results = new LinkedHashMap<>();
            variants.keySet().forEach(k -> results.put(k, new ArrayList<>()));
            for (Map.Entry<String, Cycle> v : variants.entrySet()) {
                round(200, v.getValue()); // warm-up
            }
            List<Map.Entry<String, Cycle>> order = new ArrayList<>(variants.entrySet());
            for (int r = 0; r < rounds; r++) {
                for (Map.Entry<String, Cycle> v : order) {
                    results.get(v.getKey()).add(round(n, v.getValue()));
                }
                java.util.Collections.rotate(order, 1);
            }
            double floor = median(results.values().iterator().next(), 0);
            System.out.printf(
                    "NATS %s, %d rounds x %d cycles, one thread (us, median over rounds)%n",
                    raw.getServerInfo().getVersion(), rounds, n);
            results.forEach((name, rs) -> System.out.printf(
                    "%-82s p50 %7.1f  p99 %8.1f  %.2fx floor%n",
                    name, median(rs, 0), median(rs, 1), median(rs, 0) / floor));
            contended(ls, 16, Duration.ofSeconds(5));
            spi.close();
        } finally {
            NatsTestSupport.deleteBuckets(NatsTestSupport.PORT, bucket);
        }
    }
}
