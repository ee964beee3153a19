package dev.locksmith.spi.support;

import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The thread of a store's push feed (pub/sub, LISTEN/NOTIFY, a watch): it connects, listens until
 * the connection drops, and connects again after a backoff timed on the client's {@link
 * TimeSource} (50 ms doubling to 2 s, reset by a successful connection). Nobody waits for it to be
 * ready: the first connection completes the subscriptions' {@link Subscription#ready()} (the
 * engine's waiters look once more then), and each reconnect tells every listener once, naming
 * nobody, because a release published while it was away was missed. A subclass implements {@link
 * #listen()} and {@link #stopListening()}.
 */
public abstract class ReconnectingListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReconnectingListener.class.getName());
    static final Duration FIRST_BACKOFF = Duration.ofMillis(50);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final String threadName;
    private final TimeSource time;
    /** The listeners told after each (re)connect. */
    protected final FeedListeners listeners;

    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final Object lock = new Object();
    private Thread thread;
    private volatile boolean closed;
    private volatile boolean connectedOnce;
    private volatile CompletableFuture<Void> backoff;

    protected ReconnectingListener(String threadName, TimeSource time, FeedListeners listeners) {
        this.threadName = threadName;
        this.time = time;
        this.listeners = listeners;
    }

    /**
     * Connects and listens, blocking until the connection ends (return or throw); calls {@link
     * #connected()} once the subscription is in effect. Called again after a backoff until
     * closed.
     */
    protected abstract void listen() throws Exception;

    /** Makes a running {@link #listen()} return soon (unsubscribe, close its connection). Called on close. */
    protected abstract void stopListening();

    /** Starts the thread if it is not running; idempotent, cheap once started. */
    public final void start() {
        if (thread != null) {
            return;
        }
        synchronized (lock) {
            if (thread != null || closed) {
                return;
            }
            Thread t = new Thread(this::run, threadName);
            t.setDaemon(true);
            thread = t;
            t.start();
        }
    }

    /** Completes the first time the feed is in effect; never blocks anyone by itself. */
    public final CompletableFuture<Void> ready() {
        return ready;
    }

    /** Whether {@link #close()} was called. */
    public final boolean isClosed() {
        return closed;
    }

    /**
     * Registers {@code listener} and starts the thread; the subscription is {@linkplain
     * Subscription#ready() ready} once the feed first connected. For feeds with one connection
     * for every key (a shared channel, {@code LISTEN}).
     */
    public final Subscription register(LeaseKind kind, String key, ReleaseListener listener) {
        Subscription s = listeners.add(kind, key, listener);
        start();
        return new Subscription() {
            @Override
            public void close() {
                s.close();
            }

            @Override
            public CompletableFuture<Void> ready() {
                return ready;
            }
        };
    }

    /**
     * The feed is in effect. The first time, subscriptions become {@linkplain Subscription#ready()
     * ready} (their waiters look once more); after a reconnect, every listener is told once, naming
     * nobody, since releases published while it was away were missed.
     */
    protected final void connected() {
        connectedOnce = true;
        if (!ready.complete(null)) {
            listeners.tellAll();
        }
    }

    private void run() {
        Duration delay = FIRST_BACKOFF;
        while (!closed) {
            connectedOnce = false;
            try {
                listen();
            } catch (Exception e) {
                if (closed) {
                    break;
                }
                LOG.log(Level.DEBUG, threadName + ": connection failed, retrying in " + delay.toMillis() + " ms: " + e);
            }
            if (closed) {
                break;
            }
            if (connectedOnce) {
                delay = FIRST_BACKOFF;
            }
            if (!pause(delay)) {
                break;
            }
            delay = delay.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : delay.multipliedBy(2);
        }
    }

    /** Waits on the time source's timer (so a manual clock drives it); false if closed meanwhile. */
    private boolean pause(Duration delay) {
        CompletableFuture<Void> f = new CompletableFuture<>();
        backoff = f;
        TimeSource.Timeout t = time.schedule(delay, () -> f.complete(null));
        if (closed) {
            t.cancel();
            return false;
        }
        try {
            f.get();
        } catch (InterruptedException e) {
            t.cancel();
            return false;
        } catch (ExecutionException e) {
            return !closed;
        }
        return !closed;
    }

    /** Stops the thread and forgets every listener. Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        CompletableFuture<Void> b = backoff;
        if (b != null) {
            b.complete(null);
        }
        try {
            stopListening();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, threadName + ": stop on close failed", e);
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        listeners.clear();
    }
}
