package dev.locksmith.nats;

import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.support.FeedListeners;
import dev.locksmith.spi.support.ReconnectingListener;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import java.util.concurrent.CountDownLatch;

/**
 * The release feed: a watch of the records bucket (new entries only). A write that released a grant
 * starts with {@code R} ({@link GrantRecord}); each such write, and each delete or purge of a record,
 * tells the key's listeners. Expiry writes nothing, so it is never told. The watch ends when the
 * connection drops, and the {@link ReconnectingListener} starts a new one once it is back (telling
 * every listener once, since releases may have been missed).
 */
final class NatsFeed extends ReconnectingListener {
    private final Connection connection;
    private final String bucket;
    private volatile CountDownLatch running;

    NatsFeed(Connection connection, String bucket, TimeSource time, FeedListeners listeners) {
        super("locksmith-nats-feed", time, listeners);
        this.connection = connection;
        this.bucket = bucket;
    }

    @Override
    protected void listen() throws Exception {
        CountDownLatch done = new CountDownLatch(1);
        running = done;
        ConnectionListener onDrop = (conn, event) -> {
            if (event == ConnectionListener.Events.DISCONNECTED || event == ConnectionListener.Events.CLOSED) {
                done.countDown();
            }
        };
        connection.addConnectionListener(onDrop);
        try {
            if (connection.getStatus() != Connection.Status.CONNECTED) {
                throw new IllegalStateException("NATS connection is " + connection.getStatus());
            }
            var watch = connection.keyValue(bucket).watchAll(new Watcher(), KeyValueWatchOption.UPDATES_ONLY);
            try {
                connected();
                done.await();
            } finally {
                try {
                    watch.unsubscribe();
                } catch (RuntimeException e) {
                    // the connection is gone already
                }
            }
        } finally {
            connection.removeConnectionListener(onDrop);
        }
    }

    @Override
    protected void stopListening() {
        CountDownLatch r = running;
        if (r != null) {
            r.countDown();
        }
    }

    private final class Watcher implements KeyValueWatcher {
        @Override
        public void watch(KeyValueEntry entry) {
            String rk = entry.getKey();
            LeaseKind kind = KeyNames.kindOf(rk);
            if (kind == null) {
                return;
            }
            boolean released =
                    entry.getOperation() != KeyValueOperation.PUT || GrantRecord.releasedFlag(entry.getValue());
            if (!released) {
                return;
            }
            String topic = FeedListeners.topic(kind, KeyNames.keyOf(rk));
            if (listeners.has(topic)) {
                listeners.tell(topic, null);
            }
        }

        @Override
        public void endOfData() {}
    }
}
