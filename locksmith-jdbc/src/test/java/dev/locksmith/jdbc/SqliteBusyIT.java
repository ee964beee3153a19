package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.BackendException;
import dev.locksmith.Lease;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.testkit.ManualTimeSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SQLite's transient failure: another connection holds the write lock, so a write fails with
 * {@code SQLITE_BUSY} (busy timeout 0 here). The backend marks it transient, and the client retries
 * it on its manual clock within the caller's deadline, and not beyond it.
 */
class SqliteBusyIT {
    private static final LockOptions OPTIONS =
            LockOptions.builder().ttl(Duration.ofSeconds(30)).autoExtend(false).build();

    @TempDir
    Path dir;

    private final ManualTimeSource time = new ManualTimeSource();
    private Locksmith client;
    private Connection blocker;

    @BeforeEach
    void open() throws Exception {
        String url = "jdbc:sqlite:" + dir.resolve("busy.db");
        client = Locksmith.builder()
                .uri(url + "?locksmith.busyTimeout=0")
                .timeSource(time)
                .executor(Runnable::run)
                .build();
        client.lock("warm", OPTIONS).tryAcquire().orElseThrow().release(); // tables exist now
        blocker = DriverManager.getConnection(url);
    }

    @AfterEach
    void close() throws Exception {
        blocker.close();
        client.close();
    }

    /** Takes the database's write lock until {@link Connection#rollback()}. */
    private void holdWriteLock() throws Exception {
        blocker.setAutoCommit(false);
        try (Statement s = blocker.createStatement()) {
            s.execute("INSERT INTO locksmith_locks (name, owner, token, fence, expires_at, max_permits)"
                    + " VALUES ('blocker', NULL, 0, 0, 0, 0)");
        }
    }

    private void advance(Duration total) {
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plusMillis(5)) {
            time.advance(Duration.ofMillis(5));
        }
    }

    @Test
    void aBusyDatabaseIsRetriedWithinTheDeadline() throws Exception {
        holdWriteLock();
        CompletableFuture<Lease> waiting = client.lock("busy", OPTIONS).acquireAsync(Duration.ofSeconds(30));
        advance(Duration.ofMillis(100));
        assertThat(waiting).as("SQLITE_BUSY is retried, not thrown").isNotDone();
        blocker.rollback();
        for (int i = 0; i < 100 && !waiting.isDone(); i++) {
            advance(Duration.ofMillis(100));
        }
        assertThat(waiting).as("granted once the writer is gone").isCompleted();
        waiting.join().release();
    }

    @Test
    void aBusyDatabaseFailsAtTheDeadlineWithATransientFailure() throws Exception {
        holdWriteLock();
        CompletableFuture<Lease> waiting = client.lock("busy", OPTIONS).acquireAsync(Duration.ofMillis(500));
        advance(Duration.ofMillis(400));
        assertThat(waiting).as("still retrying before its deadline").isNotDone();
        advance(Duration.ofMillis(150));
        assertThat(waiting).as("given up at its deadline, not later").isCompletedExceptionally();
        Throwable failure = waiting.handle((l, e) -> e).join();
        failure = failure instanceof CompletionException ? failure.getCause() : failure;
        assertThat(failure).isInstanceOf(BackendException.class).hasMessageContaining("SQLITE_BUSY");
        assertThat(((BackendException) failure).isTransient()).isTrue();
        blocker.rollback();
    }
}
