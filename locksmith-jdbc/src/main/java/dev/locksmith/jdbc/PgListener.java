package dev.locksmith.jdbc;

import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.support.FeedListeners;
import dev.locksmith.spi.support.ReconnectingListener;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL {@code LISTEN} on one dedicated connection per backend, started by the first
 * subscription. Releases send {@code pg_notify(channel, <kind><key>)} inside the releasing
 * statement, so a notification is only seen once the release is committed; with the wait queue
 * the payload goes on with a newline and the owner the release took out of the queue ({@link
 * FeedListeners#encode}). Subscriptions are {@linkplain Subscription#ready() ready} once {@code
 * LISTEN} is first in effect; after a reconnect every subscriber is told once naming nobody, as a
 * release may have been missed meanwhile.
 */
final class PgListener extends ReconnectingListener {
    private static final System.Logger LOG = System.getLogger(PgListener.class.getName());
    private static final int POLL_MILLIS = 250;

    private final ConnectionSource source;
    private final String channel;
    private volatile Connection connection;

    PgListener(ConnectionSource source, String channel, TimeSource time) {
        super("locksmith-pg-listener-" + channel, time, new FeedListeners());
        this.source = source;
        this.channel = channel;
    }

    /** Starts listening and waits at most {@code timeout} for it to be in effect (never a subscriber). */
    void startAndAwait(Duration timeout) {
        start();
        try {
            ready().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.log(System.Logger.Level.DEBUG, "LISTEN not in effect yet; waiters look again once it is");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        return register(kind, key, listener);
    }

    @Override
    protected void listen() throws Exception {
        try (Connection c = source.openDedicated()) {
            connection = c;
            c.setAutoCommit(true);
            try (Statement s = c.createStatement()) {
                s.execute("LISTEN \"" + channel + "\"");
            }
            PGConnection pg = c.unwrap(PGConnection.class);
            connected();
            while (!isClosed()) {
                PGNotification[] batch = pg.getNotifications(POLL_MILLIS);
                for (PGNotification n : batch == null ? new PGNotification[0] : batch) {
                    if (channel.equals(n.getName())) {
                        listeners.dispatch(n.getParameter());
                    }
                }
            }
        } finally {
            connection = null;
        }
    }

    @Override
    protected void stopListening() {
        Connection c = connection;
        if (c != null) {
            SqlExecutor.closeQuietly(c);
        }
    }
}
