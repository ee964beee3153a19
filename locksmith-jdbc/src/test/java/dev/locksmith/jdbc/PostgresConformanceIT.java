package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.BackendException;
import dev.locksmith.LeaseKind;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Subscription;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** PostgreSQL 12+: the conformance suite, and the store's release feed, sessions and pools. */
class PostgresConformanceIT extends JdbcConformance {
    static final TestDatabase DB = TestDatabase.postgres();

    @Override
    TestDatabase db() {
        return DB;
    }

    @AfterAll
    static void dropTables() throws Exception {
        DB.drop();
    }

    @Nested
    class Postgres extends StoreTest {
        @Test
        void releaseNotifiesSubscribersOfThatKeyAndKind() throws InterruptedException {
            assertThat(dev.locksmith.spi.Capabilities.of(backend).releaseNotifications())
                    .isTrue();
            String k = key("n");
            CountDownLatch lockReleased = new CountDownLatch(1);
            CountDownLatch permitReleased = new CountDownLatch(1);
            AtomicInteger otherKey = new AtomicInteger();
            try (Subscription s1 = backend.subscribe(LeaseKind.LOCK, k, next -> lockReleased.countDown());
                    Subscription s2 = backend.subscribe(LeaseKind.PERMIT, k, next -> permitReleased.countDown());
                    Subscription s3 =
                            backend.subscribe(LeaseKind.LOCK, key("other"), next -> otherKey.incrementAndGet())) {
                Calls.tryAcquire(backend, k, "o1", LONG);
                assertThat(Calls.release(backend, k, "o1")).isTrue();
                assertThat(lockReleased.await(10, TimeUnit.SECONDS)).isTrue();
                assertThat(permitReleased.getCount()).isEqualTo(1);
                Calls.tryAcquirePermit(backend, k, "o1", 1, LONG);
                assertThat(Calls.releasePermit(backend, k, "o1")).isTrue();
                assertThat(permitReleased.await(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(otherKey).hasValue(0);
        }

        @Test
        void forceReleaseNotifies() throws InterruptedException {
            String k = key("f");
            CountDownLatch released = new CountDownLatch(1);
            try (Subscription s = backend.subscribe(LeaseKind.LOCK, k, next -> released.countDown())) {
                Calls.tryAcquire(backend, k, "o1", LONG);
                backend.forceRelease(k);
                assertThat(released.await(10, TimeUnit.SECONDS)).isTrue();
            }
        }

        /** Ends every other session whose last statement touched this test's tables (or channel). */
        private int terminateSessions(String like) throws java.sql.SQLException {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(db().url);
                    java.sql.PreparedStatement ps = c.prepareStatement("SELECT count(pg_terminate_backend(pid)) FROM"
                            + " pg_stat_activity WHERE pid <> pg_backend_pid() AND query LIKE ?")) {
                ps.setString(1, like);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getInt(1);
                }
            }
        }

        @Test
        void aKilledConnectionIsATransientFailureAndIsReplaced() throws Exception {
            String k = key("killed");
            long token = Calls.tryAcquire(backend, k, "o1", LONG).fencingToken();
            assertThat(terminateSessions("%" + prefix + "locks%")).isPositive();
            // the backend does not retry: it says the failure is transient, and the client retries
            assertThatThrownBy(() -> Calls.tryAcquire(backend, k, "o1", LONG))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient())
                            .isTrue());
            AcquireResult again = Calls.tryAcquire(backend, k, "o1", LONG);
            assertThat(again.isAcquired()).isTrue();
            assertThat(again.fencingToken()).isEqualTo(token);
            assertThat(terminateSessions("%" + prefix + "locks%")).isPositive();
            assertThatThrownBy(() -> Calls.release(backend, k, "o1"))
                    .isInstanceOfSatisfying(BackendException.class, e -> assertThat(e.isTransient())
                            .isTrue());
            assertThat(Calls.release(backend, k, "o1")).isTrue();
            assertThat(Calls.inspect(backend, k)).isEmpty();
        }

        @Test
        void throughAClientAKilledConnectionCostsNothing() throws Exception {
            String k = key("killed2");
            try (dev.locksmith.Locksmith client =
                    dev.locksmith.Locksmith.builder().backend(backend).build()) {
                dev.locksmith.Lease lease = client.lock(k).acquire(Duration.ofSeconds(5));
                assertThat(terminateSessions("%" + prefix + "locks%")).isPositive();
                assertThat(lease.release()).isTrue();
            }
        }

        @Test
        void listenerReconnectsAndWakesSubscribers() throws Exception {
            String k = key("relisten");
            java.util.concurrent.Semaphore wakes = new java.util.concurrent.Semaphore(0);
            try (Subscription s = backend.subscribe(LeaseKind.LOCK, k, next -> wakes.release())) {
                assertThat(terminateSessions("LISTEN \"" + prefix + "release\""))
                        .isEqualTo(1);
                // after reconnecting, every subscriber is woken once (notifications may have been missed)
                assertThat(wakes.tryAcquire(15, TimeUnit.SECONDS)).isTrue();
                Calls.tryAcquire(backend, k, "o1", LONG);
                Calls.release(backend, k, "o1");
                assertThat(wakes.tryAcquire(15, TimeUnit.SECONDS)).isTrue();
            }
        }

        @Test
        void userDataSourceIsNotClosed() {
            DriverDataSource ds = new DriverDataSource(db().url);
            try (JdbcBackend b = JdbcBackend.builder(ds).tablePrefix(prefix).build()) {
                assertThat(Calls.tryAcquire(b, key("ds"), "o1", Duration.ofSeconds(5))
                                .isAcquired())
                        .isTrue();
                assertThat(b.databaseName()).isEqualTo("PostgreSQL");
            }
            // still usable after the backend closed
            try (JdbcBackend b = JdbcBackend.builder(ds).tablePrefix(prefix).build()) {
                assertThat(Calls.inspect(b, key("ds"))).isPresent();
            }
        }
    }
}
