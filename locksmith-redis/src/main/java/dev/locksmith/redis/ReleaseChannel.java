package dev.locksmith.redis;

import dev.locksmith.LeaseKind;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * One pub/sub connection per backend, subscribed to the shared classic release channel ({@code
 * PUBLISH}) and to this client's own channel {@code <channel>:<tag>} (where a release that names
 * one of this client's waiters is published, so that other clients are not woken to ignore it),
 * dispatching by the key in the payload to local listeners (see {@link ReleaseListeners}).
 * Started on the first {@link #subscribe}; after a reconnect every listener is told once, naming
 * nobody, because releases published while disconnected are lost.
 */
final class ReleaseChannel extends ReleaseListeners {
    private static final System.Logger LOG = System.getLogger(ReleaseChannel.class.getName());

    private final UnifiedJedis jedis;
    private final byte[][] channels;
    private final Duration readyTimeout;
    private final CountDownLatch firstReady = new CountDownLatch(1);
    private final AtomicBoolean waitedForFirst = new AtomicBoolean();
    private final Object lock = new Object();
    private Thread thread;
    private volatile Handler current;
    private volatile boolean closed;

    ReleaseChannel(UnifiedJedis jedis, String channel, String ownChannel, Duration readyTimeout) {
        this.jedis = jedis;
        this.channels =
                new byte[][] {channel.getBytes(StandardCharsets.UTF_8), ownChannel.getBytes(StandardCharsets.UTF_8)};
        this.readyTimeout = readyTimeout;
    }

    @Override
    Subscription subscribe(LeaseKind kind, String key, ReleaseListener onRelease) {
        String p = payload(kind, key);
        add(p, onRelease);
        start();
        if (firstReady.getCount() > 0 && !waitedForFirst.getAndSet(true)) {
            // a release published before the first SUBSCRIBE took effect would be missed: the first
            // waiter waits for it, bounded; later ones never block (a lost notification costs at
            // most the holder's remaining lease)
            try {
                firstReady.await(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return () -> remove(p, onRelease);
    }

    private void start() {
        synchronized (lock) {
            if (thread != null || closed) {
                return;
            }
            thread = new Thread(this::run, "locksmith-redis-pubsub");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run() {
        long backoffMs = 50;
        boolean reconnect = false;
        while (!closed) {
            Handler h = new Handler(reconnect);
            current = h;
            try {
                jedis.subscribe(h, channels);
                backoffMs = 50;
            } catch (RuntimeException e) {
                if (closed) {
                    break;
                }
                LOG.log(Level.DEBUG, "release channel connection failed, retrying in " + backoffMs + " ms", e);
            }
            if (closed) {
                break;
            }
            reconnect = true;
            try {
                Thread.sleep(backoffMs); // reconnect backoff of a dedicated thread, not a wait for a condition
            } catch (InterruptedException e) {
                break;
            }
            backoffMs = Math.min(backoffMs * 2, 2000);
        }
    }

    @Override
    void close() {
        Thread t;
        synchronized (lock) {
            closed = true;
            t = thread;
        }
        Handler h = current;
        if (h != null && h.isSubscribed()) {
            try {
                h.unsubscribe();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "unsubscribe on close failed", e);
            }
        }
        if (t != null) {
            t.interrupt();
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        forgetAll();
    }

    private final class Handler extends BinaryJedisPubSub {
        private final boolean reconnect;

        Handler(boolean reconnect) {
            this.reconnect = reconnect;
        }

        @Override
        public void onSubscribe(byte[] ch, int subscribedChannels) {
            if (closed) {
                unsubscribe();
                return;
            }
            if (subscribedChannels < channels.length) {
                return; // ready once both channels are
            }
            firstReady.countDown();
            if (reconnect) {
                // notifications sent while we were away are lost: let every waiter look again
                lostAll();
            }
        }

        @Override
        public void onMessage(byte[] ch, byte[] message) {
            dispatch(message);
        }
    }
}
