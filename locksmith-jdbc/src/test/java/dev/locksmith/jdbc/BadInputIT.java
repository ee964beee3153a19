package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.BackendException;
import dev.locksmith.Locksmith;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A read-only database, a wrong password, a missing driver: clear errors, no half-held lock. */
class BadInputIT {
    static final Duration TTL = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void readOnlySqliteFailsClearlyAndHoldsNothing() {
        String url = "jdbc:sqlite:" + dir.resolve("ro.db");
        String prefix = "ro_";
        try (JdbcBackend rw = JdbcBackend.builder(
                        new SimplePool(url, t -> new Properties(), 1, TTL, dev.locksmith.TimeSource.system()))
                .tablePrefix(prefix)
                .build()) {
            Properties readOnly = new Properties();
            readOnly.setProperty("open_mode", "1"); // SQLITE_OPEN_READONLY
            try (JdbcBackend ro = JdbcBackend.builder(
                            new SimplePool(url, t -> readOnly, 1, TTL, dev.locksmith.TimeSource.system()))
                    .tablePrefix(prefix)
                    .createSchema(false)
                    .build()) {
                assertThatThrownBy(() -> Calls.tryAcquire(ro, "ns/k", "o1", TTL))
                        .isInstanceOf(BackendException.class)
                        .hasMessageContaining("tryAcquire")
                        .hasMessageContaining("ns/k")
                        .hasMessageContainingAll("readonly");
                assertThat(Calls.inspect(ro, "ns/k")).isEmpty();
            }
            assertThat(Calls.inspect(rw, "ns/k")).isEmpty();
            assertThat(Calls.tryAcquire(rw, "ns/k", "o2", TTL).fencingToken()).isEqualTo(1);
        }
    }

    @Test
    void readOnlyPostgresTransactionFailsClearlyAndHoldsNothing() throws Exception {
        String prefix = "ro" + UUID.randomUUID().toString().substring(0, 8) + "_";
        String url = TestDatabase.POSTGRES;
        try (JdbcBackend rw = JdbcBackend.builder(
                        new SimplePool(url, t -> new Properties(), 1, TTL, dev.locksmith.TimeSource.system()))
                .tablePrefix(prefix)
                .build()) {
            Properties readOnly = new Properties();
            readOnly.setProperty("options", "-c default_transaction_read_only=on");
            try (JdbcBackend ro = JdbcBackend.builder(
                            new SimplePool(url, t -> readOnly, 1, TTL, dev.locksmith.TimeSource.system()))
                    .tablePrefix(prefix)
                    .build()) {
                assertThatThrownBy(() -> Calls.tryAcquire(ro, "ns/k", "o1", TTL))
                        .isInstanceOf(BackendException.class)
                        .hasMessageContaining("read-only")
                        .hasMessageContaining("25006");
            }
            assertThat(Calls.inspect(rw, "ns/k")).isEmpty();
        } finally {
            try (var c = java.sql.DriverManager.getConnection(url);
                    var s = c.createStatement()) {
                for (String t : new String[] {"locks", "permits", "state"}) {
                    s.execute("DROP TABLE IF EXISTS " + prefix + t);
                }
            }
        }
    }

    @Test
    void wrongMariadbPasswordIsAClearErrorWithoutThePassword() {
        assertThatThrownBy(
                        () -> Locksmith.connect("jdbc:mariadb://127.0.0.1:3306/test?user=root&password=s3cr3t-wrong"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("Access denied")
                .hasMessageContaining("password=***")
                .hasMessageNotContaining("s3cr3t-wrong");
    }

    @Test
    void unknownPostgresUserIsAClearError() {
        assertThatThrownBy(() -> Locksmith.connect("jdbc:postgresql://127.0.0.1:5432/test?user=no_such_user_ls"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("no_such_user_ls");
    }

    @Test
    void unreachableServerFailsWithinTheConnectTimeout() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> Locksmith.builder()
                        .uri("jdbc:postgresql://127.0.0.1:1/test?user=postgres")
                        .connectTimeout(Duration.ofSeconds(2))
                        .build())
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("127.0.0.1:1");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void unknownDriverNamesTheProblem() {
        assertThatThrownBy(() -> Locksmith.connect("jdbc:nosuchdb://x/y"))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("no JDBC driver");
    }
}
