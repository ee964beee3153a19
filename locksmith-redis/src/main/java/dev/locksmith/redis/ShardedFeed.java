package dev.locksmith.redis;

import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.support.FeedListeners;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Release notifications on a Redis Cluster over sharded pub/sub (Redis 7.0 and later). Each waited-on
 * key has two channels in its slot ({@link KeyLayout#releaseChannel}, and this client's own with
 * {@code :<tag>} appended) that the release scripts {@code SPUBLISH} on, so a notification travels
 * only within the shard that owns the key.
 *
 * <p>A worker thread places each key on the {@link ShardSubscriber} of the master owning its slot
 * ({@link SlotMap}), one connection per master, and places it again when a subscriber loses it (the
 * slot moved, {@code MOVED}, a dropped connection), with backoff on the {@link TimeSource} while it
 * cannot. Nobody waits: a key's subscriptions are {@linkplain Subscription#ready() ready} once both channels are in effect,
 * and when they are again after a loss its listeners are told once, naming nobody.
 */
final class ShardedFeed implements FeedChoice.KeyFeed, ShardSubscriber.Events {
    private static final System.Logger LOG = System.getLogger(ShardedFeed.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final JedisCluster cluster;
    private final KeyLayout keys;
    private final String tag;
    private final TimeSource time;
    private final SlotMap slots;
    private final FeedListeners listeners = new FeedListeners();
    private final Object lock = new Object();
    // guarded by lock
    private final Map<String, Entry> byKey = new HashMap<>();
    private final Map<String, Entry> byChannel = new HashMap<>();
    private final Set<ShardSubscriber> running = new LinkedHashSet<>();
    private final Set<Entry> homeless = new LinkedHashSet<>();
    private Thread worker;
    private boolean pausing;
    private boolean failing; // the last try failed (to warn once per streak)
    private boolean closed;

    ShardedFeed(JedisCluster cluster, KeyLayout keys, String tag, TimeSource time) {
        this.cluster = cluster;
        this.keys = keys;
        this.tag = tag;
        this.time = time;
        this.slots = new SlotMap(cluster);
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        Entry e;
        Subscription s;
        synchronized (lock) {
            if (closed) {
                return Subscription.NONE;
            }
            s = listeners.add(kind, key, listener);
            e = byKey.computeIfAbsent(key, k -> {
                Entry n = new Entry(k, keys.releaseChannel(k), tag);
                n.channels.forEach(c -> byChannel.put(c, n));
                return homeless(n);
            });
            e.listeners++;
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return new Subscription() {
            @Override
            public void close() {
                if (open.getAndSet(false)) {
                    s.close();
                    unsubscribe(e);
                }
            }

            @Override
            public CompletableFuture<Void> ready() {
                return e.inEffect;
            }
        };
    }

    private void unsubscribe(Entry e) {
        synchronized (lock) {
            if (--e.listeners == 0 && byKey.remove(e.key, e)) {
                e.channels.forEach(byChannel::remove);
                homeless.remove(e);
                if (e.node != null) {
                    e.channels.forEach(e.node::remove);
                }
            }
        }
    }

    /** Number of open subscription connections (for tests). */
    int connections() {
        synchronized (lock) {
            return running.size();
        }
    }

    @Override
    public void close() {
        List<ShardSubscriber> open;
        Thread w;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(running);
            byKey.clear();
            byChannel.clear();
            homeless.clear();
            w = worker;
            lock.notifyAll();
        }
        open.forEach(ShardSubscriber::retire); // each unsubscribes everything: its reader then ends
        open.forEach(n -> n.awaitEnd(Duration.ofSeconds(1)));
        if (w != null) {
            w.interrupt();
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        listeners.clear();
    }

    @Override
    public void confirmed(ShardSubscriber node, String channel) {
        Entry e;
        boolean firstTime;
        synchronized (lock) {
            e = byChannel.get(channel);
            if (e == null || e.node != node || !e.confirmed.add(channel) || e.confirmed.size() < 2) {
                return;
            }
            firstTime = !e.inEffect.isDone();
        }
        if (firstTime) {
            e.inEffect.complete(null); // its waiters look once more
        } else { // in effect again after a loss: a release published meanwhile was missed
            listeners.tell(FeedListeners.topic(LeaseKind.LOCK, e.key), null);
            listeners.tell(FeedListeners.topic(LeaseKind.PERMIT, e.key), null);
        }
    }

    @Override
    public void lost(ShardSubscriber node, List<String> channels, boolean ended) {
        synchronized (lock) {
            if (ended) {
                running.remove(node);
            }
            for (String channel : channels) {
                Entry e = byChannel.get(channel);
                if (!closed && e != null && e.node == node) {
                    e.channels.forEach(node::remove); // the key's other channel too, if still there
                    slots.forget(); // the slot moved, or the node failed
                    homeless(e);
                }
            }
        }
    }

    @Override
    public void message(byte[] message) {
        listeners.dispatch(new String(message, StandardCharsets.UTF_8));
    }

    /** Queues {@code e} for the worker. Under lock. */
    private Entry homeless(Entry e) {
        e.node = null;
        e.confirmed.clear();
        homeless.add(e);
        if (worker == null) {
            worker = new Thread(this::work, "locksmith-redis-ssub-worker");
            worker.setDaemon(true);
            worker.start();
        }
        lock.notifyAll();
        return e;
    }

    private void work() {
        Duration backoff = MIN_BACKOFF;
        while (true) {
            List<Entry> todo;
            synchronized (lock) {
                while (!closed && (homeless.isEmpty() || pausing)) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                todo = new ArrayList<>(homeless);
            }
            RuntimeException failure = null;
            boolean placedAll = true;
            try {
                for (Entry e : todo) {
                    placedAll &= place(e);
                }
            } catch (RuntimeException e) {
                failure = e;
                placedAll = false;
                slots.forget();
            }
            synchronized (lock) {
                if (failure != null && !failing && !closed) {
                    // once per streak: a cluster that refuses MYID to this user would otherwise
                    // leave waiters to their timeouts without a trace
                    LOG.log(
                            Level.WARNING,
                            "cannot subscribe to sharded release channels yet, retrying with backoff;"
                                    + " waiters wake by their timeouts meanwhile: " + failure);
                }
                failing = !placedAll;
                if (failing && !closed) {
                    LOG.log(Level.DEBUG, "sharded release channels not all placed, retrying in " + backoff, failure);
                    pausing = true; // new keys wait for the backoff too; only close ends it early
                    time.schedule(backoff, () -> {
                        synchronized (lock) {
                            pausing = false;
                            lock.notifyAll();
                        }
                    });
                }
            }
            backoff =
                    !failing ? MIN_BACKOFF : backoff.compareTo(MAX_BACKOFF) < 0 ? backoff.multipliedBy(2) : MAX_BACKOFF;
        }
    }

    /** Subscribes the key's channels on the connection to the master owning its slot; false to try later. */
    private boolean place(Entry e) {
        String id = slots.ownerOf(e.slot);
        synchronized (lock) {
            if (closed || !homeless.contains(e) || (id != null && placeOn(id, e))) {
                return true;
            }
        }
        if (id == null) { // an unassigned slot: the map is being changed
            return false;
        }
        Connection conn = cluster.getConnectionFromSlot(e.slot);
        ShardSubscriber fresh = null;
        try {
            String actual = str(conn.executeCommand(new CommandArguments(Protocol.Command.CLUSTER).add("MYID")));
            if (!id.equals(actual)) {
                // the client's slot cache and the slot map disagree: a command on a key of the slot
                // (the channel's name; never a key) makes the client follow MOVED and renew its cache
                cluster.exists(e.raw);
                slots.forget();
                return false;
            }
            synchronized (lock) {
                if (closed || !homeless.contains(e) || placeOn(id, e)) {
                    return true;
                }
                running.add(e.node = fresh = new ShardSubscriber(id, conn, e.channels, this, time));
                homeless.remove(e);
            }
        } finally {
            if (fresh == null) {
                conn.close();
            }
        }
        fresh.start();
        return true;
    }

    /** Places {@code e} on the running connection to master {@code id}, if there is one that is not ending. Under lock. */
    private boolean placeOn(String id, Entry e) {
        for (ShardSubscriber n : running) {
            if (n.id.equals(id) && n.add(e.channels)) {
                e.node = n;
                homeless.remove(e);
                return true;
            }
        }
        return false;
    }

    static String str(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** A key with local listeners, and its two channels. Guarded by lock, but for the final fields. */
    private static final class Entry {
        final String key;
        final List<String> channels;
        final byte[] raw;
        final int slot;
        final Set<String> confirmed = new HashSet<>(2); // by its node
        final CompletableFuture<Void> inEffect = new CompletableFuture<>(); // both channels, the first time
        int listeners;
        ShardSubscriber node; // where it is subscribed, or being subscribed; null while homeless

        Entry(String key, String channel, String tag) {
            this.key = key;
            this.channels = List.of(channel, channel + ":" + tag);
            this.raw = KeyLayout.bytes(channel);
            this.slot = JedisClusterCRC16.getSlot(raw);
        }
    }
}
