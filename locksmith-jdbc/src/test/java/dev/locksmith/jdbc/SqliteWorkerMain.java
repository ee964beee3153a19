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
 * <p>Arguments: database URL, table prefix, key, log file, owner, rounds.
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
        SimplePool pool = new SimplePool(url, new Properties(), 1, Duration.ofSeconds(30));
        try (JdbcBackend backend = JdbcBackend.builder(pool).tablePrefix(prefix).build()) {
            int done = 0;
            while (done < rounds) {
                AcquireResult r = backend.tryAcquire(key, owner, Duration.ofSeconds(30));
                if (!r.isAcquired()) {
                    Thread.sleep(1);
                    continue;
                }
                append(log, "enter " + r.fencingToken() + " " + owner);
                Thread.sleep(2); // widen the critical section so an overlap would show
                append(log, "exit " + r.fencingToken() + " " + owner);
                if (!backend.release(key, owner)) {
                    throw new IllegalStateException("release of a held lock returned false");
                }
                done++;
            }
        }
    }

    private static void append(Path log, String line) throws IOException {
        Files.writeString(
                log,
                line + "\n",
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND,
                StandardOpenOption.SYNC);
    }
}
