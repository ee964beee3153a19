package dev.locksmith.jdbc;

import dev.locksmith.TimeSource;
import dev.locksmith.spi.support.Redaction;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small connection pool for backends opened from a {@code jdbc:} URI: at most {@code maxSize}
 * connections, idle ones checked with {@link Connection#isValid} after a quiet spell, broken ones
 * dropped. Users who need more (metrics, eviction policies) pass their own {@code DataSource}.
 */
final class SimplePool implements ConnectionSource {
    private static final long VALIDATE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final String url;
    /** The driver's connection properties, with its connect timeouts set to the given time. */
    private final Function<Duration, Properties> properties;

    private final Duration borrowTimeout;
    private final Semaphore permits;
    private final TimeSource time;
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private volatile boolean closed;

    private record Idle(Connection connection, long since) {}

    SimplePool(
            String url,
            Function<Duration, Properties> properties,
            int maxSize,
            Duration borrowTimeout,
            TimeSource time) {
        this.time = time;
        this.url = url;
        this.properties = properties;
        this.borrowTimeout = borrowTimeout;
        this.permits = new Semaphore(maxSize, true);
    }

    @Override
    public Connection borrow(Duration timeout) throws SQLException {
        if (closed) {
            throw new SQLException("the backend is closed", "08003");
        }
        try {
            Duration wait = timeout != null && timeout.compareTo(borrowTimeout) < 0 ? timeout : borrowTimeout;
            if (!permits.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new SQLTransientConnectionException(
                        "no pooled connection free after " + wait + " (raise poolSize)", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a pooled connection", e);
        }
        try {
            while (true) {
                Idle candidate;
                synchronized (idle) {
                    candidate = idle.pollFirst();
                }
                if (candidate == null) {
                    return open(timeout == null || timeout.compareTo(borrowTimeout) > 0 ? borrowTimeout : timeout);
                }
                if (time.nanoTime() - candidate.since() < VALIDATE_AFTER_IDLE_NANOS
                        || candidate.connection().isValid(5)) {
                    return candidate.connection();
                }
                SqlExecutor.closeQuietly(candidate.connection());
            }
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    @Override
    public void giveBack(Connection connection, boolean broken) {
        boolean keep = !broken && !closed;
        if (keep) {
            synchronized (idle) {
                idle.addFirst(new Idle(connection, time.nanoTime()));
            }
        } else {
            SqlExecutor.closeQuietly(connection);
        }
        permits.release();
        if (closed) {
            drain();
        }
    }

    @Override
    public Connection openDedicated() throws SQLException {
        return open(borrowTimeout);
    }

    private Connection open(Duration timeout) throws SQLException {
        Driver driver = DriverManager.getDriver(url);
        Connection c = driver.connect(url, properties.apply(timeout));
        if (c == null) {
            throw new SQLException("no JDBC driver accepts " + Redaction.maskUri(url), "08001");
        }
        return c;
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        while (true) {
            Idle i;
            synchronized (idle) {
                i = idle.pollFirst();
            }
            if (i == null) {
                return;
            }
            SqlExecutor.closeQuietly(i.connection());
        }
    }
}
