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
 * Release notifications on a Redis Cluster over sharded pub/sub (Redis 7.0 and later). Each key
 * has its own channel, {@link KeyLayout#releaseChannel}, in the key's slot, and this client its own
 * channel for the key ({@code :<tag>} appended); the release scripts {@code SPUBLISH} on them, so a
 * notification travels only within the shard that owns the key.
 *
 * <p>This class keeps the channels that have local listeners and places each on the {@link
 * ShardSubscriber} of the master owning its slot ({@link SlotMap}), one connection per master. A
 * worker thread places new channels and those a subscriber lost (the slot moved, {@code MOVED}, a
 * dropped connection), retrying with backoff on the {@link TimeSource}. Nobody waits for a
 * subscription: once a key's channels are in effect (first, or again after a loss) its listeners
 * are told once, naming nobody, since a release may have been published meanwhile.
 */
final class ShardedFeed implements KeyFeed, ShardSubscriber.Events {
    private static final System.Logger LOG = System.getLogger(ShardedFeed.class.getName());
    private static final Duration MIN_BACKOFF = Duration.ofMillis(50);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

    private final JedisCluster cluster;
    private final KeyLayout keys;
    /** This client's tag: a release that names one of its waiters goes to {@code <key channel>:<tag>}. */
    private final String tag;

    private final FeedListeners listeners = new FeedListeners();
    private final TimeSource time;
    private final SlotMap slots;
    private final Object lock = new Object();
    // guarded by lock
    private final Map<String, Chan> chans = new HashMap<>();
    private final Map<String, ShardSubscriber> nodes = new HashMap<>();
    private final Set<ShardSubscriber> running = new LinkedHashSet<>();
    private final Set<Chan> homeless = new LinkedHashSet<>();
    private Thread worker;
    private boolean pausing;
    /** The worker's last try left channels unplaced (to warn once per streak). */
    private boolean failing;

    private boolean closed;

    ShardedFeed(JedisCluster cluster, KeyLayout keys, String tag, TimeSource time) {
        this.cluster = cluster;
        this.keys = keys;
        this.tag = tag;
        this.time = time;
        this.slots = new SlotMap(cluster);
    }

    /**
     * Subscribes the key's two channels, both in its slot: the shared one (releases for watchers,
     * and those that name nobody) and this client's own (releases that name one of its waiters).
     * Never waits: the subscription is {@linkplain Subscription#ready() ready} once both are
     * subscribed; after a move or a lost connection, the key's listeners are told once instead.
     */
    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        String shared = keys.releaseChannel(key);
        List<Chan> both = new ArrayList<>(2);
        Subscription s;
        synchronized (lock) {
            if (closed) {
                return Subscription.NONE;
            }
            s = listeners.add(kind, key, listener);
            for (String name : List.of(shared, shared + ":" + tag)) {
                Chan c = chans.get(name);
                if (c == null) {
                    c = new Chan(name, key);
                    chans.put(name, c);
                    makeHomeless(c);
                }
                c.listeners++;
                both.add(c);
            }
        }
        AtomicBoolean open = new AtomicBoolean(true);
        CompletableFuture<Void> inEffect = both.get(0).inEffect;
        return new Subscription() {
            @Override
            public void close() {
                if (open.getAndSet(false)) {
                    s.close();
                    unsubscribe(both);
                }
            }

            @Override
            public CompletableFuture<Void> ready() {
                return inEffect;
            }
        };
    }

    private void unsubscribe(List<Chan> channels) {
        synchronized (lock) {
            for (Chan c : channels) {
                if (--c.listeners > 0 || chans.get(c.name) != c) {
                    continue;
                }
                chans.remove(c.name);
                homeless.remove(c);
                if (c.node != null) {
                    c.node.remove(c.name);
                    c.node = null;
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
            chans.clear();
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

    // ---- what the subscribers report

    @Override
    public void confirmed(ShardSubscriber node, String channel) {
        String key = null;
        CompletableFuture<Void> firstTime = null;
        synchronized (lock) {
            Chan c = chans.get(channel);
            if (c == null || c.node != node || c.confirmed) {
                return;
            }
            c.confirmed = true;
            // a key's two channels come and go together: once both are in effect, the first time
            // its subscriptions become ready (their waiters look once more); after a move or a lost
            // connection its listeners are told once, since a release published meanwhile was missed
            String shared = keys.releaseChannel(c.key);
            Chan sharedChan = c.name.equals(shared) ? c : chans.get(shared);
            Chan sibling = chans.get(c.name.equals(shared) ? shared + ":" + tag : shared);
            if (sibling == null || sibling.confirmed) {
                if (sharedChan != null && !sharedChan.inEffect.isDone()) {
                    firstTime = sharedChan.inEffect;
                } else {
                    key = c.key;
                }
            }
        }
        if (firstTime != null) {
            firstTime.complete(null);
        }
        if (key != null) {
            listeners.tell(FeedListeners.topic(LeaseKind.LOCK, key), null);
            listeners.tell(FeedListeners.topic(LeaseKind.PERMIT, key), null);
        }
    }

    @Override
    public void lost(ShardSubscriber node, List<String> channels, boolean ended) {
        synchronized (lock) {
            if (ended) {
                nodes.remove(node.id, node);
                running.remove(node);
            }
            if (closed) {
                return;
            }
            if (!channels.isEmpty()) {
                slots.forget(); // the slot moved, or the node failed
            }
            for (String name : channels) {
                Chan c = chans.get(name);
                if (c != null && c.node == node) {
                    c.node = null;
                    c.confirmed = false;
                    makeHomeless(c);
                }
            }
        }
    }

    @Override
    public void message(byte[] message) {
        listeners.dispatch(new String(message, StandardCharsets.UTF_8));
    }

    // ---- placing channels on nodes (the worker)

    /** Queues {@code c} for the worker. Under lock. */
    private void makeHomeless(Chan c) {
        homeless.add(c);
        if (worker == null) {
            worker = new Thread(this::work, "locksmith-redis-ssub-worker");
            worker.setDaemon(true);
            worker.start();
        }
        lock.notifyAll();
    }

    private void work() {
        Duration backoff = MIN_BACKOFF;
        while (true) {
            List<Chan> todo;
            synchronized (lock) {
                try {
                    while (!closed && (homeless.isEmpty() || pausing)) {
                        lock.wait();
                    }
                } catch (InterruptedException e) {
                    return;
                }
                if (closed) {
                    return;
                }
                todo = new ArrayList<>(homeless);
            }
            boolean placedAll = false;
            RuntimeException failure = null;
            try {
                placedAll = place(todo);
            } catch (RuntimeException e) {
                failure = e;
                slots.forget();
            }
            synchronized (lock) {
                if (failure != null && !failing && !closed) {
                    // once per streak: a cluster that refuses CLUSTER SLOTS or MYID to this user
                    // would otherwise leave waiters to their timeouts without a trace
                    LOG.log(
                            Level.WARNING,
                            "cannot subscribe to sharded release channels yet, retrying with backoff; waiters wake"
                                    + " by their timeouts meanwhile: " + failure);
                }
                if (!placedAll) {
                    LOG.log(Level.DEBUG, "sharded release channels not all placed, retrying in " + backoff, failure);
                }
                failing = !placedAll;
                if (!placedAll && !closed) {
                    // new channels wait for the backoff too; only close ends it early
                    pausing = true;
                    time.schedule(backoff, () -> {
                        synchronized (lock) {
                            pausing = false;
                            lock.notifyAll();
                        }
                    });
                }
            }
            backoff = placedAll ? MIN_BACKOFF : min(backoff.multipliedBy(2), MAX_BACKOFF);
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    /** Subscribes each channel at the master that owns its slot; false if some are left for later. */
    private boolean place(List<Chan> todo) {
        boolean placedAll = true;
        for (Chan c : todo) {
            String id = slots.ownerOf(c.slot);
            synchronized (lock) {
                if (closed) {
                    return true;
                }
                if (!homeless.contains(c)) {
                    continue; // unsubscribed meanwhile
                }
                if (id == null) { // an unassigned slot: the map is being changed
                    placedAll = false;
                    continue;
                }
                if (placeOn(nodes.get(id), c)) {
                    continue;
                }
            }
            placedAll &= open(id, c);
        }
        return placedAll;
    }

    /** Places {@code c} on {@code n} unless it is null or ending. Under lock. */
    private boolean placeOn(ShardSubscriber n, Chan c) {
        if (n == null || !n.add(c.name)) {
            return false;
        }
        homeless.remove(c);
        c.node = n;
        c.confirmed = false;
        return true;
    }

    /** Opens the connection to node {@code id}, with {@code c} as its first channel; false to retry later. */
    private boolean open(String id, Chan c) {
        Connection conn = cluster.getConnectionFromSlot(c.slot);
        ShardSubscriber n = null;
        try {
            String actual =
                    SlotMap.str(conn.executeCommand(new CommandArguments(Protocol.Command.CLUSTER).add("MYID")));
            if (!id.equals(actual)) {
                // the client's slot cache and the slot map disagree: a command on a key of the slot
                // (the channel's name; never a key) makes the client follow MOVED and renew its cache
                cluster.exists(c.raw);
                slots.forget();
                return false;
            }
            synchronized (lock) {
                if (closed || !homeless.contains(c) || placeOn(nodes.get(id), c)) {
                    return true;
                }
                n = new ShardSubscriber(id, conn, c.name, this, time);
                nodes.put(id, n);
                running.add(n);
                homeless.remove(c);
                c.node = n;
                c.confirmed = false;
            }
            n.start();
            return true;
        } finally {
            if (n == null) {
                conn.close();
            }
        }
    }

    /** A key's channel with local listeners. Guarded by lock, but for the final fields. */
    private static final class Chan {
        final String name;
        final byte[] raw;
        final String key;
        final int slot;
        int listeners;
        /** Where it is subscribed, or being subscribed; null while homeless. */
        ShardSubscriber node;
        /** Its node confirmed the subscription. */
        boolean confirmed;
        /** Completes when the key's two channels were first both in effect (kept on the shared one). */
        final CompletableFuture<Void> inEffect = new CompletableFuture<>();

        Chan(String name, String key) {
            this.name = name;
            this.raw = KeyLayout.bytes(name);
            this.key = key;
            this.slot = JedisClusterCRC16.getSlot(raw);
        }
    }
}
