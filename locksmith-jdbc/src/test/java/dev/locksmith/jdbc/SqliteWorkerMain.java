package dev.locksmith.jdbc;

import dev.locksmith.spi.AcquireResult;
import dev.locksmith.testkit.ProcessContention;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * A child process of {@link SqliteMultiProcessIT}: takes the lock {@code rounds} times through the
 * SPI and, while holding it, logs "enter" and "exit" lines with its token.
 *
 * <p>Arguments: log file, process name, rounds (from {@link ProcessContention}), then database
 * URL, table prefix, key, and a permit limit (0: the lock).
 */
public final class SqliteWorkerMain {
    private SqliteWorkerMain() {}

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        String owner = args[1];
        int rounds = Integer.parseInt(args[2]);
        String url = args[3];
        String prefix = args[4];
        String key = args[5];
        int permits = Integer.parseInt(args[6]);
        SimplePool pool = new SimplePool(
                url, t -> new Properties(), 1, Duration.ofSeconds(30), dev.locksmith.TimeSource.system());
        try (JdbcBackend backend = JdbcBackend.builder(pool).tablePrefix(prefix).build()) {
            ProcessContention.awaitGo(log, owner);
            int done = 0;
            while (done < rounds) {
                // a busy database is a transient failure: the client would try again, and so do we
                AcquireResult r = JdbcConformance.retryTransient(() -> permits > 0
                        ? Calls.tryAcquirePermit(backend, key, owner, permits, Duration.ofSeconds(30))
                        : Calls.tryAcquire(backend, key, owner, Duration.ofSeconds(30)));
                if (!r.isAcquired()) {
                    Thread.sleep(1);
                    continue;
                }
                ProcessContention.append(log, "enter " + r.fencingToken() + " " + owner);
                // widen the critical section so an overlap would show; permits are held longer so
                // that the limit, not the database's write serialization, is what keeps them apart
                Thread.sleep(permits > 0 ? 20 : 2);
                ProcessContention.append(log, "exit " + r.fencingToken() + " " + owner);
                if (!JdbcConformance.retryTransient(() ->
                        permits > 0 ? Calls.releasePermit(backend, key, owner) : Calls.release(backend, key, owner))) {
                    throw new IllegalStateException("release of a held lock returned false");
                }
                done++;
            }
        }
    }
}
