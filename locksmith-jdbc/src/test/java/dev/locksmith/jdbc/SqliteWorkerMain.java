package dev.locksmith.jdbc;

import dev.locksmith.spi.AcquireResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Properties;

/**
 * A child process of {@link SqliteMultiProcessIT}: takes the lock {@code rounds} times and, while
 * holding it, appends "enter" and "exit" lines with its token to a shared log file.
 *
 * <p>Arguments: database URL, table prefix, key, log file, owner, rounds, and optionally a permit
 * limit: then it takes a semaphore permit instead of the lock.
 */
public final class SqliteWorkerMain {
    private SqliteWorkerMain() {}

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String prefix = args[1];
        String key = args[2];
        Path log = Path.of(args[3]);
        String owner = args[4];
        int rounds = Integer.parseInt(args[5]);
        int permits = args.length > 6 ? Integer.parseInt(args[6]) : 0;
        SimplePool pool = new SimplePool(url, new Properties(), 1, Duration.ofSeconds(30));
        try (JdbcBackend backend = JdbcBackend.builder(pool).tablePrefix(prefix).build()) {
            // start together: announce readiness, then wait for the parent's go signal
            Files.writeString(log.resolveSibling("ready-" + owner), "");
            Path go = log.resolveSibling("go");
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!Files.exists(go)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no go signal");
                }
                Thread.sleep(1);
            }
            int done = 0;
            while (done < rounds) {
                AcquireResult r = permits > 0
                        ? backend.tryAcquirePermit(key, owner, permits, Duration.ofSeconds(30))
                        : backend.tryAcquire(key, owner, Duration.ofSeconds(30));
                if (!r.isAcquired()) {
                    Thread.sleep(1);
                    continue;
                }
                append(log, "enter " + r.fencingToken() + " " + owner);
                // widen the critical section so an overlap would show; permits are held longer so
                // that the limit, not the database's write serialization, is what keeps them apart
                Thread.sleep(permits > 0 ? 20 : 2);
                append(log, "exit " + r.fencingToken() + " " + owner);
                if (!(permits > 0 ? backend.releasePermit(key, owner) : backend.release(key, owner))) {
                    throw new IllegalStateException("release of a held lock returned false");
                }
                done++;
            }
        }
    }

    private static void append(Path log, String line) throws IOException {
        Files.writeString(
                log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
