package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.LeaseKind;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Subscription;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The PostgreSQL wait queue at the backend level: a release's notification names the owner it
 * took out of the key's queue.
 */
class PostgresWaitQueueIT {
    private static final String URL = TestDatabase.POSTGRES;
    private static final Duration LONG = Duration.ofSeconds(30);

    private String prefix;
    private String ns;
    private JdbcBackend backend;

    @BeforeEach
    void open() {
        prefix = "lq" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
        ns = "ns" + UUID.randomUUID() + "/";
        backend = builder().tablePrefix(prefix).build();
    }

    private static JdbcBackend.Builder builder() {
        return JdbcBackend.builder(new SimplePool(
                URL, t -> new Properties(), 4, Duration.ofSeconds(10), dev.locksmith.TimeSource.system()));
    }

    /** Closed after each test, even one that failed. */
    private final List<Subscription> subscriptions = new java.util.ArrayList<>();

    @AfterEach
    void dropTables() throws SQLException {
        subscriptions.forEach(Subscription::close);
        List<String> tables = backend.tableNames();
        backend.close();
        try (Connection c = DriverManager.getConnection(URL);
                Statement s = c.createStatement()) {
            for (String t : tables) {
                s.execute("DROP TABLE IF EXISTS " + t);
            }
        }
    }

    private String key(String name) {
        return ns + name;
    }

    /** What each release of {@code key} named, in order ({@code ""} for nobody). */
    private BlockingQueue<String> namedBy(LeaseKind kind, String key) {
        BlockingQueue<String> named = new LinkedBlockingQueue<>();
        subscriptions.add(backend.subscribe(kind, key, next -> named.add(next == null ? "" : next)));
        return named;
    }

    private static String next(BlockingQueue<String> named) throws InterruptedException {
        String n = named.poll(10, TimeUnit.SECONDS);
        assertThat(n).as("a release notification").isNotNull();
        return n;
    }

    private int queued(String key) throws SQLException {
        try (Connection c = DriverManager.getConnection(URL);
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + prefix + "queue WHERE name = ?")) {
            ps.setString(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    @Test
    void createsTheQueueTable() {
        assertThat(backend.tableNames())
                .containsExactly(prefix + "locks", prefix + "permits", prefix + "state", prefix + "queue");
        assertThat(backend.ddl()).hasSize(4).last().asString().contains(prefix + "queue");
        assertThat(backend.role(dev.locksmith.spi.ReleaseFeed.class)).isPresent();
        assertThat(backend.role(dev.locksmith.spi.WaitQueue.class)).isPresent();
    }

    @Test
    void eachReleaseNamesTheNextQueuedOwnerInArrivalOrder() throws Exception {
        String k = key("two");
        BlockingQueue<String> named = namedBy(LeaseKind.LOCK, k);
        assertThat(Calls.tryAcquire(backend, k, "h", LONG).isAcquired()).isTrue();
        assertThat(Calls.tryAcquireOrQueue(backend, k, "w1", LONG).isAcquired()).isFalse();
        AcquireResult w2 = Calls.tryAcquireOrQueue(backend, k, "w2", LONG);
        assertThat(w2.isAcquired()).isFalse();
        assertThat(w2.holder()).isEqualTo("h");
        // looking again keeps w1's place before w2
        assertThat(Calls.tryAcquireOrQueue(backend, k, "w1", LONG).isAcquired()).isFalse();
        assertThat(queued(k)).isEqualTo(2);

        assertThat(Calls.release(backend, k, "h")).isTrue();
        assertThat(next(named)).isEqualTo("w1");
        assertThat(Calls.tryAcquireOrQueue(backend, k, "w1", LONG).isAcquired()).isTrue();
        assertThat(Calls.release(backend, k, "w1")).isTrue();
        assertThat(next(named)).isEqualTo("w2");
        assertThat(Calls.tryAcquireOrQueue(backend, k, "w2", LONG).isAcquired()).isTrue();
        assertThat(queued(k)).isZero();
        assertThat(Calls.release(backend, k, "w2")).isTrue();
        assertThat(next(named)).as("nobody queued: named nobody").isEmpty();
    }

    @Test
    void aFailedReleaseNamesNobodyAndKeepsTheQueue() throws Exception {
        String k = key("notheld");
        assertThat(Calls.tryAcquire(backend, k, "h", LONG).isAcquired()).isTrue();
        Calls.tryAcquireOrQueue(backend, k, "w1", LONG);
        assertThat(Calls.release(backend, k, "stranger")).isFalse();
        assertThat(queued(k)).isEqualTo(1);
    }

    @Test
    void aPlainFailedAttemptDoesNotQueue() throws Exception {
        String k = key("plain");
        BlockingQueue<String> named = namedBy(LeaseKind.LOCK, k);
        Calls.tryAcquire(backend, k, "h", LONG);
        assertThat(Calls.tryAcquire(backend, k, "w1", LONG).isAcquired()).isFalse();
        assertThat(queued(k)).isZero();
        Calls.release(backend, k, "h");
        assertThat(next(named)).isEmpty();
    }

    @Test
    void anOwnerThatLeftIsNotNamed() throws Exception {
        String k = key("left");
        BlockingQueue<String> named = namedBy(LeaseKind.LOCK, k);
        Calls.tryAcquire(backend, k, "h", LONG);
        Calls.tryAcquireOrQueue(backend, k, "w1", LONG);
        backend.leaveQueue(LeaseKind.LOCK, k, "w1");
        assertThat(queued(k)).isZero();
        Calls.release(backend, k, "h");
        assertThat(next(named)).isEmpty();
    }

    @Test
    void aGrantTakesTheOwnerOutOfTheQueue() throws Exception {
        String k = key("barge");
        BlockingQueue<String> named = namedBy(LeaseKind.LOCK, k);
        Calls.tryAcquire(backend, k, "h", LONG);
        Calls.tryAcquireOrQueue(backend, k, "w1", LONG);
        Calls.tryAcquireOrQueue(backend, k, "w2", LONG);
        Calls.release(backend, k, "h");
        assertThat(next(named)).isEqualTo("w1");
        // w2 takes the lock before w1 tries: a plain grant also leaves the queue
        assertThat(Calls.tryAcquire(backend, k, "w2", LONG).isAcquired()).isTrue();
        assertThat(queued(k)).isZero();
        Calls.release(backend, k, "w2");
        assertThat(next(named)).isEmpty();
    }

    @Test
    void lapsedEntriesAreSkippedAndDropped() throws Exception {
        String k = key("lapsed");
        BlockingQueue<String> named = namedBy(LeaseKind.LOCK, k);
        Calls.tryAcquire(backend, k, "h", LONG);
        Calls.tryAcquireOrQueue(backend, k, "w1", LONG);
        Calls.tryAcquireOrQueue(backend, k, "w2", LONG);
        Calls.tryAcquireOrQueue(backend, k, "w3", LONG);
        // w1's entry lapsed by the database clock (its waiter went away without leaving)
        try (Connection c = DriverManager.getConnection(URL);
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE " + prefix + "queue SET expires_at = 0 WHERE name = ? AND owner = 'w1'")) {
            ps.setString(1, k);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        Calls.release(backend, k, "h");
        assertThat(next(named)).isEqualTo("w2");
        assertThat(queued(k)).as("w1 dropped, w2 taken out, w3 left").isEqualTo(1);
    }

    @Test
    void entriesLapseAfterTheHoldersRemainingLeasePlusASlack() throws Exception {
        String k = key("expiry");
        Calls.tryAcquire(backend, k, "h", Duration.ofSeconds(10));
        Calls.tryAcquireOrQueue(backend, k, "w1", LONG);
        try (Connection c = DriverManager.getConnection(URL);
                PreparedStatement ps = c.prepareStatement("SELECT q.expires_at - l.expires_at FROM " + prefix
                        + "queue q JOIN " + prefix + "locks l ON l.name = q.name WHERE q.name = ?")) {
            ps.setString(1, k);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                // both by the database clock, a few ms apart
                assertThat(rs.getLong(1))
                        .isBetween(PostgresDialect.QUEUE_SLACK_MILLIS - 1000, PostgresDialect.QUEUE_SLACK_MILLIS);
            }
        }
    }

    @Test
    void permitReleasesNameQueuedOwnersToo() throws Exception {
        String k = key("sem");
        BlockingQueue<String> named = namedBy(LeaseKind.PERMIT, k);
        BlockingQueue<String> lockNamed = namedBy(LeaseKind.LOCK, k);
        assertThat(Calls.tryAcquirePermit(backend, k, "h", 1, LONG).isAcquired())
                .isTrue();
        assertThat(Calls.tryAcquirePermitOrQueue(backend, k, "w1", 1, LONG).isAcquired())
                .isFalse();
        assertThat(Calls.tryAcquirePermit(backend, k, "plain", 1, LONG).isAcquired())
                .isFalse();
        assertThat(Calls.tryAcquirePermitOrQueue(backend, k, "w2", 1, LONG).isAcquired())
                .isFalse();
        assertThat(queued(k)).isEqualTo(2);
        Calls.releasePermit(backend, k, "h");
        assertThat(next(named)).isEqualTo("w1");
        assertThat(Calls.tryAcquirePermitOrQueue(backend, k, "w1", 1, LONG).isAcquired())
                .isTrue();
        backend.leaveQueue(LeaseKind.PERMIT, k, "w2");
        assertThat(queued(k)).isZero();
        Calls.releasePermit(backend, k, "w1");
        assertThat(next(named)).isEmpty();
        assertThat(lockNamed).as("lock subscribers hear no permit release").isEmpty();
    }

    @Test
    void withNotificationsOffThereIsNoQueue() throws Exception {
        String k = key("off");
        try (JdbcBackend quiet =
                builder().tablePrefix(prefix).notifications(false).build()) {
            assertThat(quiet.role(dev.locksmith.spi.ReleaseFeed.class)).isEmpty();
            assertThat(quiet.role(dev.locksmith.spi.WaitQueue.class)).isEmpty();
            assertThat(quiet.role(dev.locksmith.spi.GuardedStore.class)).isPresent();
            Calls.tryAcquire(quiet, k, "h", LONG);
            assertThat(Calls.tryAcquireOrQueue(quiet, k, "w1", LONG).isAcquired())
                    .isFalse();
            assertThat(queued(k)).isZero();
            assertThat(Calls.release(quiet, k, "h")).isTrue();
        }
    }

    @Test
    void withoutTheQueueTableTheBackendStillWorksAndNamesNobody() throws Exception {
        try (Connection c = DriverManager.getConnection(URL);
                Statement s = c.createStatement()) {
            s.execute("DROP TABLE " + prefix + "queue");
        }
        String k = key("noqueue");
        try (JdbcBackend old = builder().tablePrefix(prefix).createSchema(false).build()) {
            BlockingQueue<String> named = new LinkedBlockingQueue<>();
            assertThat(old.role(dev.locksmith.spi.ReleaseFeed.class)).isPresent();
            assertThat(old.role(dev.locksmith.spi.WaitQueue.class))
                    .as("no queue table")
                    .isEmpty();
            try (Subscription s = old.subscribe(LeaseKind.LOCK, k, next -> named.add(next == null ? "" : next))) {
                Calls.tryAcquire(old, k, "h", LONG);
                assertThat(Calls.tryAcquireOrQueue(old, k, "w1", LONG).isAcquired())
                        .isFalse();
                assertThat(Calls.release(old, k, "h")).isTrue();
                assertThat(next(named)).isEmpty();
                old.leaveQueue(LeaseKind.LOCK, k, "w1");
            }
        }
    }

    @Test
    void payloadsAreSplitIntoKeyAndNamedOwner() throws Exception {
        String k = key("split");
        BlockingQueue<Optional<String>> heard = new LinkedBlockingQueue<>();
        try (Subscription s = backend.subscribe(LeaseKind.LOCK, k, next -> heard.add(Optional.ofNullable(next)));
                Connection c = DriverManager.getConnection(URL);
                PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            // an old client's payload, a named owner, an empty name, other keys and kinds, in order
            for (String payload : List.of(
                    "L" + k, "L" + k + "\nowner-1", "L" + k + "\n", "L" + k + "k\nx", "P" + k + "\ny", "L" + k)) {
                ps.setString(1, (prefix + "release").toLowerCase(java.util.Locale.ROOT));
                ps.setString(2, payload);
                ps.executeQuery().close();
            }
            List<Optional<String>> got = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Optional<String> n = heard.poll(10, TimeUnit.SECONDS);
                assertThat(n).as("notification %d", i).isNotNull();
                got.add(n);
            }
            assertThat(got)
                    .containsExactly(Optional.empty(), Optional.of("owner-1"), Optional.empty(), Optional.empty());
        }
    }
}
