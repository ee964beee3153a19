package dev.locksmith.redis;

import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.support.FeedListeners;
import dev.locksmith.spi.support.ReconnectingListener;
import java.nio.charset.StandardCharsets;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.UnifiedJedis;

/**
 * Releases heard over classic pub/sub: one connection per backend, subscribed to the shared
 * release channel ({@code PUBLISH}) and to this client's own channel {@code <channel>:<tag>} (where
 * a release that names one of this client's waiters is published, so that other clients are not
 * woken to ignore it). Started by the first subscriber, which never waits for it: subscriptions
 * are {@linkplain Subscription#ready() ready} once both channels are first subscribed, and after
 * each reconnect every listener is told once, naming nobody, since a release may have been
 * published meanwhile.
 */
final class ClassicFeed extends ReconnectingListener implements FeedChoice.KeyFeed {
    private final UnifiedJedis jedis;
    private final byte[][] channels;
    private volatile Handler current;

    ClassicFeed(UnifiedJedis jedis, String channel, String ownChannel, TimeSource time) {
        super("locksmith-redis-pubsub", time, new FeedListeners());
        this.jedis = jedis;
        this.channels = new byte[][] {KeyLayout.bytes(channel), KeyLayout.bytes(ownChannel)};
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        return register(kind, key, listener);
    }

    @Override
    protected void listen() {
        Handler h = new Handler();
        current = h;
        jedis.subscribe(h, channels); // returns when unsubscribed, throws when the connection fails
    }

    @Override
    protected void stopListening() {
        Handler h = current;
        if (h != null && h.isSubscribed()) {
            h.unsubscribe();
        }
    }

    private final class Handler extends BinaryJedisPubSub {
        @Override
        public void onSubscribe(byte[] channel, int subscribedChannels) {
            if (isClosed()) {
                unsubscribe();
            } else if (subscribedChannels == channels.length) {
                connected(); // in effect once both channels are
            }
        }

        @Override
        public void onMessage(byte[] channel, byte[] message) {
            listeners.dispatch(new String(message, StandardCharsets.UTF_8));
        }
    }
}
