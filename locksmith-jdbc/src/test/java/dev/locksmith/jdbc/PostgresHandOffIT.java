package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.Lease;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import dev.locksmith.testkit.CountingBackend;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hand-offs between processes on PostgreSQL: each client here has its own pool and its own
 * {@code LISTEN} connection, as separate processes would. A release names the first waiter of
 * the key's queue in its notification, so it costs one attempt however many clients wait,
 * instead of one per client.
 */
class PostgresHandOffIT {
    private static final Duration HOUR = Duration.ofHours(1);
    /** Long enough that only a notification, never the holder's expiry, can hand the lock over in a test. */
    private static final LockOptions WAITS_FOR_NOTIFICATIONS = LockOptions.builder()
            .ttl(Duration.ofSeconds(30))
            .retry(RetryPolicy.fixed(HOUR))
            .build();

    private final String prefix =
            "lh" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    private final List<Locksmith> clients = new ArrayList<>();
    private List<String> tables = List.of();

    private CountingBackend newStore() {
        JdbcBackend backend = JdbcBackend.builder(
                        new SimplePool(PostgresBackendIT.URL, new Properties(), 4, Duration.ofSeconds(10)))
                .tablePrefix(prefix)
                .build();
        tables = backend.tableNames();
        CountingBackend store = new CountingBackend(backend);
        clients.add(Locksmith.builder().backend(store).namespace("handoff").build());
        return store;
    }

    private Locksmith client(int i) {
        return clients.get(i);
    }

    @AfterEach
    void closeAll() throws SQLException {
        for (Locksmith c : clients) {
            c.close();
        }
        try (Connection c = DriverManager.getConnection(PostgresBackendIT.URL);
                Statement s = c.createStatement()) {
            for (String t : tables) {
                s.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }

    @Test
    void eachReleaseCostsOneAttemptHoweverManyClientsWait() throws Exception {
        int waiters = 6;
        newStore(); // client 0 holds first
        List<CountingBackend> stores = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            stores.add(newStore());
        }
        Lease first = client(0).lock("k", WAITS_FOR_NOTIFICATIONS).acquire(Duration.ZERO);
        List<CompletableFuture<Lease>> got = new ArrayList<>();
        for (int i = 1; i <= waiters; i++) {
            CompletableFuture<Lease> f =
                    client(i).lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(HOUR);
            f.thenAccept(Lease::release); // each holder hands over at once
            got.add(f);
        }
        // each waiter made its first attempt and its look right after subscribing, then sleeps
        assertThat(AbstractBackendIT.eventually(
                        Duration.ofSeconds(20), () -> stores.stream().allMatch(s -> s.answeredAttempts() == 2)))
                .isTrue();
        first.release();
        for (CompletableFuture<Lease> f : got) {
            assertThat(f.get(20, TimeUnit.SECONDS).fencingToken()).isGreaterThan(first.fencingToken());
        }
        long attempts = stores.stream().mapToLong(s -> s.calls("tryAcquire")).sum();
        // 3 per waiter: its first attempt, its look right after subscribing, and the one its
        // release notification starts. One more is allowed for a look whose answer was still on its
        // way into the waiter's queue when a release came (it then looks again). A herd, one attempt
        // per waiting client and release, would make 2n + n(n+1)/2.
        int herd = 2 * waiters + waiters * (waiters + 1) / 2;
        assertThat(attempts)
                .as("attempts by %d waiting clients over %d hand-offs (a herd would make %d)", waiters, waiters, herd)
                .isBetween(3L * waiters, 3L * waiters + 1);
    }

    @Test
    void aWaiterThatGaveUpIsNotNamedByTheNextRelease() throws Exception {
        newStore();
        CountingBackend impatientStore = newStore();
        newStore();
        Lease holder = client(0).lock("k", WAITS_FOR_NOTIFICATIONS).acquire(Duration.ZERO);
        CompletableFuture<Lease> impatient =
                client(1).lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(Duration.ofMillis(200));
        try {
            impatient.get(10, TimeUnit.SECONDS);
            throw new AssertionError("acquired a held lock");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(LockAcquisitionTimeoutException.class);
        }
        assertThat(AbstractBackendIT.eventually(Duration.ofSeconds(10), () -> impatientStore.calls("leaveQueue") == 1))
                .isTrue();
        CompletableFuture<Lease> patient =
                client(2).lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(HOUR);
        holder.release();
        assertThat(patient.get(10, TimeUnit.SECONDS).fencingToken())
                .as("woken by the release, not by the holder's 30 s expiry")
                .isGreaterThan(holder.fencingToken());
        patient.join().release();
    }
}
