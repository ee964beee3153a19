package dev.locksmith.bench.jmh;

import dev.locksmith.Lease;
import dev.locksmith.Locksmith;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's own cost on the in-memory backend: acquire plus release, with nobody else on the
 * lock and with four threads on one lock. Run with {@code scripts/bench.sh --jmh} (see
 * docs/PERFORMANCE.md); not part of the test build.
 */
@BenchmarkMode({Mode.Throughput, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class EngineBenchmark {

    /** One client on a private in-memory store, shared by every benchmark thread. */
    @State(Scope.Benchmark)
    public static class Client {
        Locksmith locksmith;
        final AtomicInteger threadIds = new AtomicInteger();

        @Setup(Level.Trial)
        public void open() {
            locksmith = Locksmith.builder().uri("mem:").namespace("jmh").build();
        }

        @TearDown(Level.Trial)
        public void close() {
            locksmith.close();
        }
    }

    /** A lock name of the thread's own, so nobody contends. */
    @State(Scope.Thread)
    public static class OwnName {
        String name;

        @Setup(Level.Trial)
        public void pick(Client c) {
            name = "own-" + c.threadIds.incrementAndGet();
        }
    }

    @Benchmark
    @Threads(1)
    public long uncontended(Client c, OwnName n) {
        try (Lease lease = c.locksmith.lock(n.name).acquire(Duration.ofSeconds(10))) {
            return lease.fencingToken();
        }
    }

    @Benchmark
    @Threads(4)
    public long contended4(Client c) {
        try (Lease lease = c.locksmith.lock("shared").acquire(Duration.ofSeconds(10))) {
            return lease.fencingToken();
        }
    }
}
