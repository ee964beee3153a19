package dev.locksmith.jdbc;

import dev.locksmith.LeaseKind;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * PostgreSQL {@code LISTEN} on one dedicated connection per backend, started by the first
 * subscription. Releases send {@code pg_notify(channel, kind + key)} inside the releasing
 * statement, so a notification is only seen once the release is committed; with the wait queue
 * the payload goes on with a newline and the owner the release took out of the queue, which the
 * subscribers are told ({@code null} when there is none). After a lost connection it reconnects
 * and wakes every subscriber once naming nobody, as notifications may have been missed meanwhile.
 */
final class PgListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PgListener.class.getName());
    private static final int POLL_MILLIS = 250;

    private final ConnectionSource source;
    private final String channel;
    private final long readyTimeoutMillis;
    private final Map<String, List<ReleaseListener>> subscribers = new ConcurrentHashMap<>();
    private final Object startLock = new Object();
    private volatile CountDownLatch listening = new CountDownLatch(1);
    private volatile boolean closed;
    private Thread thread;

    PgListener(ConnectionSource source, String channel, long readyTimeoutMillis) {
        this.source = source;
        this.channel = channel;
        this.readyTimeoutMillis = readyTimeoutMillis;
    }

    Subscription subscribe(LeaseKind kind, String key, ReleaseListener onRelease) {
        String payload = payload(kind, key);
        List<ReleaseListener> list = subscribers.computeIfAbsent(payload, k -> new CopyOnWriteArrayList<>());
        // one wrapper per subscription, so closing removes exactly this registration
        ReleaseListener entry = onRelease::released;
        list.add(entry);
        start();
        try {
            // a release right after subscribe() returns must not be missed: wait until LISTEN is active
            if (!listening.await(readyTimeoutMillis, TimeUnit.MILLISECONDS)) {
                LOG.log(Level.DEBUG, "LISTEN not active yet; waiters rely on their timed fallback");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return () -> {
            list.remove(entry);
            if (list.isEmpty()) {
                subscribers.remove(payload, list);
            }
        };
    }

    static String payload(LeaseKind kind, String key) {
        return (kind == LeaseKind.LOCK ? "L" : "P") + key;
    }

    private void start() {
        synchronized (startLock) {
            if (thread != null || closed) {
                return;
            }
            thread = new Thread(this::run, "locksmith-pg-listener-" + channel);
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        long backoff = 100;
        boolean reconnect = false;
        while (!closed) {
            Connection c = null;
            try {
                c = source.openDedicated();
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN \"" + channel + "\"");
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                listening.countDown();
                backoff = 100;
                if (reconnect) {
                    wakeAll();
                }
                while (!closed) {
                    PGNotification[] batch = pg.getNotifications(POLL_MILLIS);
                    if (batch == null) {
                        continue;
                    }
                    for (PGNotification n : batch) {
                        if (channel.equals(n.getName())) {
                            dispatch(n.getParameter());
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (closed) {
                    break;
                }
                LOG.log(Level.WARNING, "PostgreSQL LISTEN connection failed; reconnecting in " + backoff + " ms", e);
                reconnect = true;
                listening = new CountDownLatch(1);
                sleep(backoff);
                backoff = Math.min(5000, backoff * 2);
            } finally {
                if (c != null) {
                    JdbcBackend.closeQuietly(c);
                }
            }
        }
    }

    /** {@code <kind><key>}, optionally followed by a newline and the named owner (keys hold no newline). */
    void dispatch(String payload) {
        int nl = payload.indexOf('\n');
        String target = nl < 0 ? payload : payload.substring(0, nl);
        String next = nl < 0 || nl == payload.length() - 1 ? null : payload.substring(nl + 1);
        List<ReleaseListener> list = subscribers.get(target);
        if (list != null) {
            list.forEach(l -> tellSafely(l, next));
        }
    }

    private void wakeAll() {
        subscribers.values().forEach(list -> list.forEach(l -> tellSafely(l, null)));
    }

    private static void tellSafely(ReleaseListener l, String next) {
        try {
            l.released(next);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "a release subscriber failed", e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (startLock) {
            closed = true;
            t = thread;
        }
        if (t != null) {
            try {
                t.join(2L * POLL_MILLIS + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        subscribers.clear();
    }
}
