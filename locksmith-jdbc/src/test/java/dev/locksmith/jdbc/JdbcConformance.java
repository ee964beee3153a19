package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.BackendException;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.Locksmith;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.WriteOutcome;
import dev.locksmith.testkit.Conformance;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite, plus store-level tests, for one database: each subclass names its {@link
 * TestDatabase}. The contracts share the class's table prefix; each store-level test opens a backend
 * on a random prefix of its own and drops its tables afterwards.
 */
abstract class JdbcConformance extends Conformance {
    static final Duration LONG = Duration.ofSeconds(30);

    /** The database of this class (one per subclass, in a static field, dropped after the class). */
    abstract TestDatabase db();

    @Override
    protected Locksmith.Builder clientBuilder() {
        return db().clientBuilder();
    }

    @Override
    protected InetSocketAddress storeAddress() {
        return db().address();
    }

    @Override
    protected Locksmith.Builder clientBuilderVia(int port) {
        return db().clientBuilderVia(port);
    }

    /** Polls {@code condition} until it holds or {@code timeout} passes. */
    static boolean eventually(Duration timeout, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    /**
     * What the client does with a transient store failure (a deadlock between contending
     * transactions on MariaDB, a busy SQLite): try again. The backend never retries by itself.
     */
    static <T> T retryTransient(java.util.function.Supplier<T> call) {
        for (int attempt = 0; ; attempt++) {
            try {
                return call.get();
            } catch (dev.locksmith.BackendException e) {
                if (!e.isTransient() || attempt >= 100) {
                    throw e;
                }
            }
        }
    }

    /** A backend of its own on a random table prefix, for tests at the SPI level. */
    abstract class StoreTest {
        protected String prefix;
        protected JdbcBackend backend;
        protected String ns;

        protected String url() {
            return db().url;
        }

        protected Properties properties() {
            return new Properties();
        }

        protected JdbcBackend.Builder builder() {
            return JdbcBackend.builder(new SimplePool(
                    url(), t -> properties(), 8, Duration.ofSeconds(10), dev.locksmith.TimeSource.system()));
        }

        @BeforeEach
        void open() {
            prefix = "lt" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
            ns = "ns" + UUID.randomUUID() + "/";
            backend = builder().tablePrefix(prefix).build();
        }

        @AfterEach
        void dropTables() throws SQLException {
            if (backend != null) {
                List<String> tables = backend.tableNames();
                backend.close();
                try (Connection c = DriverManager.getConnection(url(), properties());
                        Statement s = c.createStatement()) {
                    for (String t : tables) {
                        s.execute("DROP TABLE IF EXISTS " + t);
                    }
                }
            }
        }

        protected String key(String name) {
            return ns + name;
        }
    }

    @Nested
    class Store extends StoreTest {
        @Test
        void acquireHoldReleaseAndTokensIncrease() {
            String k = key("a");
            AcquireResult first = Calls.tryAcquire(backend, k, "o1", LONG);
            assertThat(first.isAcquired()).isTrue();
            long t1 = first.fencingToken();

            AcquireResult other = Calls.tryAcquire(backend, k, "o2", LONG);
            assertThat(other.isAcquired()).isFalse();
            assertThat(other.holder()).isEqualTo("o1");
            assertThat(other.ttl()).isPositive().isLessThanOrEqualTo(LONG);

            AcquireResult again = Calls.tryAcquire(backend, k, "o1", LONG);
            assertThat(again.isAcquired()).isTrue();
            assertThat(again.fencingToken()).isEqualTo(t1);

            assertThat(Calls.release(backend, k, "o2")).isFalse();
            assertThat(Calls.release(backend, k, "o1")).isTrue();
            assertThat(Calls.release(backend, k, "o1")).isFalse();
            assertThat(Calls.inspect(backend, k)).isEmpty();

            AcquireResult second = Calls.tryAcquire(backend, k, "o2", LONG);
            assertThat(second.fencingToken()).isGreaterThan(t1);
            assertThat(Calls.inspect(backend, k)).hasValueSatisfying(i -> {
                assertThat(i.owner()).isEqualTo("o2");
                assertThat(i.fencingToken()).isEqualTo(second.fencingToken());
                assertThat(i.kind()).isEqualTo(LeaseKind.LOCK);
                assertThat(i.name()).isEqualTo(k);
            });
        }

        @Test
        void keysAreCaseSensitiveAndApart() {
            assertThat(Calls.tryAcquire(backend, key("Case"), "o1", LONG).isAcquired())
                    .isTrue();
            assertThat(Calls.tryAcquire(backend, key("case"), "o2", LONG).isAcquired())
                    .isTrue();
            assertThat(Calls.tryAcquire(backend, key("case "), "o3", LONG).isAcquired())
                    .isTrue();
        }

        @Test
        void expiryByDatabaseClockThenNewToken() throws InterruptedException {
            String k = key("exp");
            long t1 = Calls.tryAcquire(backend, k, "o1", Duration.ofMillis(300)).fencingToken();
            assertThat(Calls.tryAcquire(backend, k, "o2", LONG).isAcquired()).isFalse();
            assertThat(eventually(Duration.ofSeconds(10), () -> Calls.inspect(backend, k)
                            .isEmpty()))
                    .isTrue();
            assertThat(Calls.extend(backend, k, "o1", LONG)).isFalse();
            assertThat(Calls.release(backend, k, "o1")).isFalse();
            AcquireResult r = Calls.tryAcquire(backend, k, "o2", LONG);
            assertThat(r.isAcquired()).isTrue();
            assertThat(r.fencingToken()).isGreaterThan(t1);
        }

        @Test
        void extendIsOwnerChecked() {
            String k = key("ext");
            Calls.tryAcquire(backend, k, "o1", Duration.ofSeconds(2));
            assertThat(Calls.extend(backend, k, "o2", LONG)).isFalse();
            assertThat(Calls.extend(backend, k, "o1", LONG)).isTrue();
            assertThat(Calls.inspect(backend, k).orElseThrow().remaining()).isGreaterThan(Duration.ofSeconds(5));
            assertThat(Calls.extend(backend, key("none"), "o1", LONG)).isFalse();
        }

        @Test
        void extendAllInOneBatch() {
            String a = key("x1");
            String b = key("x2");
            String s = key("sem");
            Calls.tryAcquire(backend, a, "o1", Duration.ofSeconds(2));
            Calls.tryAcquire(backend, b, "o2", Duration.ofSeconds(2));
            Calls.tryAcquirePermit(backend, s, "o1", 2, Duration.ofSeconds(2));
            boolean[] out = backend.extendAll(List.of(
                    new LeaseRef(LeaseKind.LOCK, a, "o1", LONG),
                    new LeaseRef(LeaseKind.LOCK, b, "wrong", LONG),
                    new LeaseRef(LeaseKind.PERMIT, s, "o1", LONG),
                    new LeaseRef(LeaseKind.PERMIT, s, "o9", LONG)));
            assertThat(out).containsExactly(true, false, true, false);
            assertThat(Calls.inspect(backend, a).orElseThrow().remaining()).isGreaterThan(Duration.ofSeconds(5));
            assertThat(Calls.inspect(backend, b).orElseThrow().remaining()).isLessThanOrEqualTo(Duration.ofSeconds(2));
        }

        @Test
        void forceReleaseKeepsTokensMonotonic() {
            String k = key("force");
            long t1 = Calls.tryAcquire(backend, k, "o1", LONG).fencingToken();
            long p1 = Calls.tryAcquirePermit(backend, k, "o2", 3, LONG).fencingToken();
            assertThat(p1).isGreaterThan(t1);
            List<LockInfo> removed = backend.forceRelease(k);
            assertThat(removed).extracting(LockInfo::owner).containsExactlyInAnyOrder("o1", "o2");
            assertThat(Calls.inspect(backend, k)).isEmpty();
            assertThat(Calls.inspectSemaphore(backend, k)).isEmpty();
            assertThat(backend.forceRelease(k)).isEmpty();
            assertThat(backend.forceRelease(key("never"))).isEmpty();
            long t2 = Calls.tryAcquire(backend, k, "o3", LONG).fencingToken();
            assertThat(t2).isGreaterThan(p1);
        }

        @Test
        void listByPrefix() {
            Calls.tryAcquire(backend, key("l1"), "o1", LONG);
            Calls.tryAcquire(backend, key("l2"), "o2", LONG);
            Calls.tryAcquirePermit(backend, key("s1"), "o3", 2, LONG);
            Calls.tryAcquire(backend, "other" + UUID.randomUUID() + "/l1", "o1", LONG);
            Calls.tryAcquire(backend, key("l3"), "o4", LONG);
            Calls.release(backend, key("l3"), "o4");
            List<LockInfo> all = backend.list(ns);
            assertThat(all).extracting(LockInfo::name).containsExactlyInAnyOrder(key("l1"), key("l2"), key("s1"));
            assertThat(all).filteredOn(i -> i.kind() == LeaseKind.PERMIT).hasSize(1);
            // LIKE wildcards in the prefix are taken literally
            assertThat(backend.list(ns.substring(0, 4) + "%")).isEmpty();
            assertThat(backend.list(ns.toUpperCase())).isEmpty();
        }

        @Test
        void semaphoreLimitsAndSharesTheCounter() throws InterruptedException {
            String k = key("sem");
            long lockToken = Calls.tryAcquire(backend, k, "lockholder", LONG).fencingToken();
            AcquireResult a = Calls.tryAcquirePermit(backend, k, "a", 2, LONG);
            AcquireResult b = Calls.tryAcquirePermit(backend, k, "b", 2, Duration.ofMillis(400));
            assertThat(a.isAcquired()).isTrue();
            assertThat(b.isAcquired()).isTrue();
            assertThat(a.fencingToken()).isGreaterThan(lockToken);
            assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
            // the lock keeps its own token
            assertThat(Calls.inspect(backend, k).orElseThrow().fencingToken()).isEqualTo(lockToken);

            AcquireResult c = Calls.tryAcquirePermit(backend, k, "c", 2, LONG);
            assertThat(c.isAcquired()).isFalse();
            assertThat(c.ttl()).isNotNull().isLessThanOrEqualTo(Duration.ofMillis(400));
            assertThat(Calls.tryAcquirePermit(backend, k, "a", 2, LONG).fencingToken())
                    .isEqualTo(a.fencingToken());

            SemaphoreInfo info = Calls.inspectSemaphore(backend, k).orElseThrow();
            assertThat(info.maxPermits()).isEqualTo(2);
            assertThat(info.holders()).extracting(LockInfo::owner).containsExactly("a", "b");

            // b expires by the database clock
            assertThat(eventually(Duration.ofSeconds(10), () -> Calls.tryAcquirePermit(backend, k, "c", 2, LONG)
                            .isAcquired()))
                    .isTrue();
            assertThat(Calls.extendPermit(backend, k, "b", LONG)).isFalse();
            assertThat(Calls.releasePermit(backend, k, "b")).isFalse();
            assertThat(Calls.extendPermit(backend, k, "a", LONG)).isTrue();
            assertThat(Calls.releasePermit(backend, k, "a")).isTrue();
            assertThat(Calls.releasePermit(backend, k, "a")).isFalse();
            assertThat(Calls.inspectSemaphore(backend, k).orElseThrow().holders())
                    .extracting(LockInfo::owner)
                    .containsExactly("c");
            assertThat(Calls.inspectSemaphore(backend, key("none"))).isEmpty();
        }

        @Test
        void guardedStateWritesOnlyForTheCurrentHolder() throws InterruptedException {
            String k = key("state");
            assertThat(backend.readState(k)).isEmpty();
            assertThat(backend.writeState(k, "o1", 1, new byte[] {1}, null)).isEqualTo(WriteOutcome.NOT_HELD);

            long t1 = Calls.tryAcquire(backend, k, "o1", Duration.ofMillis(300)).fencingToken();
            assertThat(backend.writeState(k, "o1", t1, new byte[] {1, 2}, null)).isEqualTo(WriteOutcome.WRITTEN);
            assertThat(backend.writeState(k, "o1", t1 + 5, new byte[] {9}, null))
                    .isEqualTo(WriteOutcome.NOT_HELD);
            assertThat(backend.writeState(k, "o2", t1, new byte[] {9}, null)).isEqualTo(WriteOutcome.NOT_HELD);
            StoredState s = backend.readState(k).orElseThrow();
            assertThat(s.value()).containsExactly(1, 2);
            assertThat(s.fencingToken()).isEqualTo(t1);

            assertThat(eventually(Duration.ofSeconds(10), () -> Calls.tryAcquire(backend, k, "o2", LONG)
                            .isAcquired()))
                    .isTrue();
            assertThat(backend.writeState(k, "o1", t1, new byte[] {7}, null)).isEqualTo(WriteOutcome.STALE_TOKEN);
            long t2 = Calls.inspect(backend, k).orElseThrow().fencingToken();
            assertThat(backend.writeState(k, "o2", t2, new byte[] {3}, Duration.ofMillis(300)))
                    .isEqualTo(WriteOutcome.WRITTEN);
            assertThat(backend.readState(k).orElseThrow().fencingToken()).isEqualTo(t2);
            assertThat(eventually(
                            Duration.ofSeconds(10), () -> backend.readState(k).isEmpty()))
                    .isTrue();
            Calls.release(backend, k, "o2");
            assertThat(backend.writeState(k, "o2", t2, new byte[] {4}, null)).isEqualTo(WriteOutcome.NOT_HELD);
        }

        @Test
        void threadsContendingNeverOverlapAndTokensIncrease() throws Exception {
            String k = key("contended");
            int threads = 6;
            int rounds = 15;
            AtomicBoolean inside = new AtomicBoolean();
            AtomicInteger overlaps = new AtomicInteger();
            ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String owner = "owner-" + t;
                futures.add(pool.submit(() -> {
                    start.await();
                    int done = 0;
                    while (done < rounds) {
                        AcquireResult r = retryTransient(() -> Calls.tryAcquire(backend, k, owner, LONG));
                        if (!r.isAcquired()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        if (!inside.compareAndSet(false, true)) {
                            overlaps.incrementAndGet();
                        }
                        tokens.add(r.fencingToken());
                        inside.set(false);
                        assertThat(retryTransient(() -> Calls.release(backend, k, owner)))
                                .isTrue();
                        done++;
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(overlaps).hasValue(0);
            // tokens were appended while holding the lock: in grant order, so strictly increasing
            List<Long> list = new ArrayList<>(tokens);
            assertThat(list).hasSize(threads * rounds).isSorted().doesNotHaveDuplicates();
        }

        @Test
        void semaphoreUnderContentionNeverExceedsMax() throws Exception {
            String k = key("semc");
            int threads = 6;
            int max = 2;
            AtomicInteger inside = new AtomicInteger();
            AtomicInteger peak = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String owner = "p-" + t;
                futures.add(pool.submit(() -> {
                    int done = 0;
                    while (done < 8) {
                        if (!retryTransient(() -> Calls.tryAcquirePermit(backend, k, owner, max, LONG))
                                .isAcquired()) {
                            Thread.onSpinWait();
                            continue;
                        }
                        int now = inside.incrementAndGet();
                        peak.accumulateAndGet(now, Math::max);
                        inside.decrementAndGet();
                        assertThat(retryTransient(() -> Calls.releasePermit(backend, k, owner)))
                                .isTrue();
                        done++;
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(120, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(peak.get()).isBetween(1, max);
        }

        @Test
        void missingTablesWithCreationOffFailClearly() {
            assertThatThrownBy(() -> builder()
                            .tablePrefix(
                                    "missing" + UUID.randomUUID().toString().substring(0, 8) + "_")
                            .createSchema(false)
                            .build())
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("locks")
                    .hasMessageContaining("createSchema");
        }

        @Test
        void existingTablesWithCreationOff() {
            try (JdbcBackend second =
                    builder().tablePrefix(prefix).createSchema(false).build()) {
                long t = Calls.tryAcquire(second, key("shared"), "o1", LONG).fencingToken();
                assertThat(Calls.inspect(backend, key("shared")).orElseThrow().fencingToken())
                        .isEqualTo(t);
            }
        }

        @Test
        void badArguments() {
            assertThatThrownBy(() -> Calls.tryAcquire(backend, key("k"), "o", Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ttl");
            assertThatThrownBy(() -> Calls.tryAcquire(backend, "x".repeat(256), "o", LONG))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key");
            assertThatThrownBy(() -> Calls.tryAcquirePermit(backend, key("k"), "o", 0, LONG))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxPermits");
            assertThatThrownBy(() -> JdbcBackend.builder((javax.sql.DataSource) null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("dataSource");
            assertThatThrownBy(() -> builder().tablePrefix("bad-prefix"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("tablePrefix");
        }

        @Test
        void longKeysAndOwnersFit() {
            String k = (ns + "k".repeat(255)).substring(0, 255);
            String owner = "o".repeat(255);
            assertThat(Calls.tryAcquire(backend, k, owner, LONG).isAcquired()).isTrue();
            assertThat(Calls.tryAcquirePermit(backend, k, owner, 1, LONG).isAcquired())
                    .isTrue();
            assertThat(Calls.inspect(backend, k).orElseThrow().owner()).isEqualTo(owner);
        }
    }
}
