package dev.locksmith.redis;

import dev.locksmith.LeaseKind;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.Subscription;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Release notifications on a Redis Cluster over sharded pub/sub (Redis 7.0 and later). Each key
 * has its own channel, {@link KeyLayout#releaseChannel}, in the key's slot; the release scripts
 * {@code SPUBLISH} on it, so a notification travels only within the shard that owns the key
 * instead of over the whole cluster bus.
 *
 * <p>One subscription connection per master node, never one per key: a key's channel is {@code
 * SSUBSCRIBE}d on the connection to the master that owns its slot when the key's first local
 * listener subscribes (that subscriber waits, bounded, until the server confirms it), and {@code
 * SUNSUBSCRIBE}d when its last one goes; a node's connection is opened with its first channel and
 * closed (never given back to the pool) with its last. Each connection has a reader thread; one
 * worker thread places channels on nodes. Every write to a connection is made under {@link #lock},
 * and only while its reader reads.
 *
 * <p>Topology: when the server drops a channel by itself (the {@code sunsubscribe} it pushes when
 * the channel's slot moved to another node), answers {@code SSUBSCRIBE} with {@code MOVED}, or a
 * node's connection fails, the worker reads the slot map again ({@code CLUSTER SLOTS}) and
 * subscribes the channel at the slot's current owner, retrying with backoff. Once that subscription
 * is active, the key's listeners are told once, naming nobody, since a release may have been
 * published meanwhile.
 */
final class ShardedReleaseChannel extends ReleaseListeners {
    private static final System.Logger LOG = System.getLogger(ShardedReleaseChannel.class.getName());
    private static final int SLOTS = 16384;
    private static final long MIN_BACKOFF_MS = 50;
    private static final long MAX_BACKOFF_MS = 2000;
    /** How long a node's connection stays open without a channel. */
    private static final long IDLE_MS = 60_000;

    private final JedisCluster cluster;
    private final KeyLayout keys;
    /** This client's tag: a release that names one of its waiters goes to {@code <key channel>:<tag>}. */
    private final String tag;

    private final Duration readyTimeout;
    private final Object lock = new Object();

    // guarded by lock
    private final Map<String, Chan> chans = new HashMap<>();
    private final Map<String, Node> nodes = new HashMap<>();
    private final Set<Node> running = new LinkedHashSet<>();
    private final Set<Chan> homeless = new LinkedHashSet<>();
    private String[] owners;
    private long topologyEpoch;
    private Thread worker;
    /** The worker's last try left channels unplaced: new subscribers do not wait for theirs. */
    private boolean failing;

    private boolean closed;

    ShardedReleaseChannel(JedisCluster cluster, KeyLayout keys, String tag, Duration readyTimeout) {
        this.cluster = cluster;
        this.keys = keys;
        this.tag = tag;
        this.readyTimeout = readyTimeout;
    }

    /**
     * Whether the cluster's servers have {@code SPUBLISH} ({@code COMMAND INFO}, or the version in
     * {@code INFO server} where {@code COMMAND} is not allowed), asked of the first node that
     * answers.
     *
     * @throws JedisException if no node answers
     */
    static boolean supported(JedisCluster cluster) {
        JedisException last = null;
        for (ConnectionPool pool : shuffled(cluster)) {
            try (Connection c = pool.getResource()) {
                try {
                    Object info = c.executeCommand(new CommandArguments(Protocol.Command.COMMAND)
                            .add("INFO")
                            .add("SPUBLISH"));
                    return info instanceof List<?> l && !l.isEmpty() && l.get(0) != null;
                } catch (JedisDataException e) {
                    LOG.log(Level.DEBUG, "COMMAND INFO refused, asking INFO server", e);
                }
                try {
                    Object info = c.executeCommand(new CommandArguments(Protocol.Command.INFO).add("server"));
                    return majorVersion(str(info)) >= 7;
                } catch (JedisDataException e) {
                    LOG.log(Level.DEBUG, "INFO server refused too: using classic pub/sub", e);
                    return false;
                }
            } catch (JedisException e) {
                last = e;
            }
        }
        throw last != null ? last : new JedisException("the cluster client knows no node");
    }

    /** The major version in an {@code INFO server} answer, or 0 if none. */
    static int majorVersion(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                String v = line.substring("redis_version:".length()).trim();
                int dot = v.indexOf('.');
                try {
                    return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /**
     * Subscribes the key's two channels, both in its slot: the shared one (releases for watchers,
     * and those that name nobody) and this client's own (releases that name one of its waiters).
     */
    @Override
    Subscription subscribe(LeaseKind kind, String key, ReleaseListener onRelease) {
        String payload = payload(kind, key);
        String shared = keys.releaseChannel(key);
        List<Chan> both = new ArrayList<>(2);
        boolean wait;
        synchronized (lock) {
            if (closed || !add(payload, onRelease)) {
                return Subscription.NONE;
            }
            wait = !failing;
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
        // a release published before the SSUBSCRIBE took effect would be missed: wait for it,
        // bounded (a lost notification costs at most the holder's remaining lease), unless the
        // cluster cannot be reached now (its listeners are told once it is subscribed)
        if (wait) {
            long deadline = System.nanoTime() + readyTimeout.toNanos();
            try {
                for (Chan c : both) {
                    c.ready.await(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        AtomicBoolean open = new AtomicBoolean(true);
        return () -> {
            if (open.getAndSet(false)) {
                unsubscribe(payload, onRelease, both);
            }
        };
    }

    private void unsubscribe(String payload, ReleaseListener onRelease, List<Chan> channels) {
        synchronized (lock) {
            remove(payload, onRelease);
            for (Chan c : channels) {
                if (--c.listeners > 0 || chans.get(c.name) != c) {
                    continue;
                }
                chans.remove(c.name);
                homeless.remove(c);
                Node n = c.node;
                c.node = null;
                if (n != null) {
                    n.drop(c);
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
    void close() {
        List<Node> open;
        Thread w;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(running);
            for (Node n : open) {
                n.retire(); // unsubscribes everything: its reader then ends
            }
            chans.clear();
            homeless.clear();
            w = worker;
            lock.notifyAll();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        for (Node n : open) {
            join(n.thread, deadline);
            if (n.thread.isAlive()) {
                synchronized (lock) {
                    n.disconnect(); // the server did not answer: its reader fails and ends
                }
            }
        }
        if (w != null) {
            w.interrupt();
            join(w, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        }
        forgetAll();
    }

    private static void join(Thread t, long deadlineNanos) {
        long ms = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
        try {
            t.join(Math.max(ms, 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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

    /** The other channel of {@code c}'s key: its own channel for the shared one, and back. */
    private String siblingOf(Chan c) {
        String shared = keys.releaseChannel(c.key);
        return c.name.equals(shared) ? shared + ":" + tag : shared;
    }

    /** A channel that was active is gone from its node: subscribe it again, then tell its listeners. Under lock. */
    private void lostChannel(Chan c) {
        c.node = null;
        c.confirmed = false;
        c.lost = true;
        if (!closed && chans.get(c.name) == c) {
            makeHomeless(c);
        }
    }

    /** The slot map may be out of date. Under lock. */
    private void forgetSlots() {
        owners = null;
        topologyEpoch++;
    }

    private void work() {
        long backoffMs = MIN_BACKOFF_MS;
        while (true) {
            List<Chan> todo;
            synchronized (lock) {
                while (!closed && homeless.isEmpty()) {
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
            boolean placedAll;
            RuntimeException failure = null;
            try {
                placedAll = place(todo);
            } catch (RuntimeException e) {
                failure = e;
                placedAll = false;
            }
            synchronized (lock) {
                if (failure != null) {
                    forgetSlots();
                }
                if (failure != null && !failing && !closed) {
                    // once per streak: a cluster that refuses CLUSTER SLOTS or MYID to this user
                    // would otherwise leave waiters to their timeouts without a trace
                    LOG.log(
                            Level.WARNING,
                            "cannot subscribe to sharded release channels yet, retrying with backoff; waiters wake"
                                    + " by their timeouts meanwhile: " + failure,
                            failure);
                } else if (failure != null) {
                    LOG.log(
                            Level.DEBUG,
                            "sharded release channels not placed, retrying in " + backoffMs + " ms",
                            failure);
                }
                failing = !placedAll;
            }
            if (placedAll) {
                backoffMs = MIN_BACKOFF_MS;
                continue;
            }
            // backoff of a dedicated thread: only close ends it early, new channels wait for it too
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
            synchronized (lock) {
                long left;
                while (!closed && (left = until - System.nanoTime()) > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, left);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
            backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
        }
    }

    /** Subscribes each channel at the master that owns its slot; false if some are left for later. */
    private boolean place(List<Chan> todo) {
        String[] map = slotOwners();
        boolean placedAll = true;
        for (Chan c : todo) {
            String id = map[c.slot];
            synchronized (lock) {
                if (closed) {
                    return true;
                }
                if (!homeless.contains(c)) {
                    continue; // unsubscribed meanwhile
                }
                Node n = id == null ? null : nodes.get(id);
                if (n != null) {
                    homeless.remove(c);
                    n.add(c);
                    continue;
                }
                if (id == null) {
                    forgetSlots(); // an unassigned slot: the map is being changed
                    placedAll = false;
                    continue;
                }
            }
            if (!open(id, c)) {
                placedAll = false;
            }
        }
        return placedAll;
    }

    /** Opens the connection to node {@code id}, with {@code c} as its first channel; false to retry later. */
    private boolean open(String id, Chan c) {
        Connection conn = cluster.getConnectionFromSlot(c.slot);
        Node n = null;
        try {
            String actual = str(conn.executeCommand(new CommandArguments(Protocol.Command.CLUSTER).add("MYID")));
            if (!id.equals(actual)) {
                // the client's slot cache and the slot map disagree: a command on a key of the slot
                // (the channel's name; never a key) makes the client follow MOVED and renew its cache
                cluster.exists(c.raw);
                synchronized (lock) {
                    forgetSlots();
                }
                return false;
            }
            synchronized (lock) {
                if (closed || !homeless.remove(c)) {
                    return true;
                }
                Node existing = nodes.get(id);
                if (existing != null) {
                    existing.add(c);
                    return true;
                }
                n = new Node(id, conn, c);
                nodes.put(id, n);
                running.add(n);
            }
            n.thread.start();
            return true;
        } finally {
            if (n == null) {
                conn.close();
            }
        }
    }

    private String[] slotOwners() {
        long epoch;
        synchronized (lock) {
            if (owners != null) {
                return owners;
            }
            epoch = topologyEpoch;
        }
        String[] read = readSlots();
        synchronized (lock) {
            if (topologyEpoch == epoch) {
                owners = read; // unless a topology change was seen while reading
            }
        }
        return read;
    }

    /** Slot to master node id, from {@code CLUSTER SLOTS} of the first node that answers. */
    private String[] readSlots() {
        JedisException last = null;
        for (ConnectionPool pool : shuffled(cluster)) {
            try (Connection c = pool.getResource()) {
                return parseSlots(c.executeCommand(new CommandArguments(Protocol.Command.CLUSTER).add("SLOTS")));
            } catch (JedisException e) {
                last = e;
            }
        }
        throw last != null ? last : new JedisException("the cluster client knows no node");
    }

    /** {@code CLUSTER SLOTS}: per range {start, end, {host, port, id, ...} of the master, replicas...}. */
    static String[] parseSlots(Object reply) {
        String[] out = new String[SLOTS];
        for (Object o : (List<?>) reply) {
            List<?> range = (List<?>) o;
            int from = ((Long) range.get(0)).intValue();
            int to = ((Long) range.get(1)).intValue();
            String id = str(((List<?>) range.get(2)).get(2));
            Arrays.fill(out, from, to + 1, id);
        }
        return out;
    }

    private static List<ConnectionPool> shuffled(JedisCluster cluster) {
        List<ConnectionPool> pools = new ArrayList<>(cluster.getClusterNodes().values());
        Collections.shuffle(pools);
        return pools;
    }

    private static String str(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }

    /** A key's channel with local listeners. */
    private static final class Chan {
        final String name;
        final byte[] raw;
        final String key;
        final int slot;
        final CountDownLatch ready = new CountDownLatch(1);
        // guarded by lock
        int listeners;
        /** Where it is subscribed, or being subscribed; null while homeless. */
        Node node;
        /** Its node confirmed the subscription. */
        boolean confirmed;
        /** It was dropped after it had been active: its listeners are told once it is active again. */
        boolean lost;

        Chan(String name, String key) {
            this.name = name;
            this.raw = KeyLayout.bytes(name);
            this.key = key;
            this.slot = JedisClusterCRC16.getSlot(raw);
        }
    }

    /**
     * The subscription connection to one master and its reader thread. Jedis's loop ({@code
     * proceed}) ends when the server counts no channel left, or on an error. With channels left
     * (after a {@code MOVED}, or a forced drop that raced a new {@code SSUBSCRIBE}) the loop is
     * entered again on the same connection; with none, the connection stays open, idle, for the
     * next channel of this node, and is closed after {@link #IDLE_MS} without one. A failed
     * connection is closed and its channels placed again.
     */
    private final class Node extends BinaryJedisShardedPubSub implements Runnable {
        final String id;
        final Connection conn;
        final Thread thread;
        final Chan first;
        // guarded by lock
        final Set<Chan> placed = new LinkedHashSet<>();
        /** Placed while the reader was not reading: SSUBSCRIBE once it is. */
        final Set<Chan> unsent = new LinkedHashSet<>();
        /** Dropped while the reader was not reading: SUNSUBSCRIBE once it is. */
        final List<byte[]> unsentDrops = new ArrayList<>();
        /** SUNSUBSCRIBEs sent and not yet answered, by channel: their answers are no forced drop. */
        final Map<String, Integer> dropping = new HashMap<>();
        /** Inside Jedis's loop, past its own first write: writes from other threads are safe. */
        boolean reading;
        /** Closing: everything is unsubscribed and the connection closed. */
        boolean retiring;

        Node(String id, Connection conn, Chan first) {
            this.id = id;
            this.conn = conn;
            this.first = first;
            this.thread = new Thread(this, "locksmith-redis-ssub-" + id.substring(0, Math.min(8, id.length())));
            this.thread.setDaemon(true);
            first.node = this;
            placed.add(first);
        }

        /** Under lock. */
        void add(Chan c) {
            c.node = this;
            c.confirmed = false;
            placed.add(c);
            if (reading) {
                send(c);
            } else {
                unsent.add(c);
                lock.notifyAll(); // an idle reader enters its loop again
            }
        }

        /** Under lock. */
        void drop(Chan c) {
            placed.remove(c);
            if (unsent.remove(c)) {
                return;
            }
            if (reading) {
                sendDrop(c.raw);
            } else {
                unsentDrops.add(c.raw);
            }
        }

        /** Closes the node: its reader unsubscribes everything, ends, and closes the connection. Under lock. */
        void retire() {
            if (retiring) {
                return;
            }
            retiring = true;
            nodes.remove(id, this);
            if (reading) {
                unsubscribeAll();
            }
            lock.notifyAll(); // an idle reader ends
        }

        /** Under lock. */
        void disconnect() {
            try {
                conn.disconnect();
            } catch (JedisException e) {
                LOG.log(Level.DEBUG, "disconnect failed", e);
            }
        }

        private void send(Chan c) {
            try {
                ssubscribe(c.raw);
            } catch (JedisException e) {
                // the connection failed: its reader fails too and places the channels again
                LOG.log(Level.DEBUG, "ssubscribe failed", e);
            }
        }

        private void sendDrop(byte[] raw) {
            dropping.merge(new String(raw, StandardCharsets.UTF_8), 1, Integer::sum);
            try {
                sunsubscribe(raw);
            } catch (JedisException e) {
                LOG.log(Level.DEBUG, "sunsubscribe failed", e);
            }
        }

        private void unsubscribeAll() {
            try {
                sunsubscribe();
            } catch (JedisException e) {
                LOG.log(Level.DEBUG, "sunsubscribe failed", e);
            }
        }

        /** The first answer in a loop: writes are safe now. Under lock. */
        private void reading() {
            if (reading) {
                return;
            }
            reading = true;
            if (retiring) {
                unsubscribeAll();
                return;
            }
            for (byte[] raw : unsentDrops) {
                sendDrop(raw);
            }
            unsentDrops.clear();
            for (Chan c : unsent) {
                send(c);
            }
            unsent.clear();
        }

        @Override
        public void run() {
            byte[] anchor = first.raw;
            RuntimeException failure = null;
            while (true) {
                try {
                    proceed(conn, anchor);
                } catch (JedisMovedDataException e) {
                    refused(e.getSlot());
                } catch (RuntimeException e) {
                    failure = e;
                }
                synchronized (lock) {
                    reading = false;
                    if (failure == null && !retiring && !closed && placed.isEmpty()) {
                        awaitChannel();
                    }
                    if (failure == null && !retiring && !closed && !placed.isEmpty()) {
                        // enter the loop again with a channel placed here (SSUBSCRIBE is idempotent)
                        Chan a = placed.iterator().next();
                        unsent.remove(a);
                        anchor = a.raw;
                        continue;
                    }
                    retiring = true;
                    nodes.remove(id, this);
                    running.remove(this);
                    for (Chan c : placed) {
                        lostChannel(c);
                    }
                    placed.clear();
                    unsent.clear();
                    if (failure != null && !closed) {
                        forgetSlots();
                    }
                }
                break;
            }
            if (failure != null && !closed) {
                LOG.log(Level.DEBUG, "sharded release connection to node " + id + " failed", failure);
            }
            try {
                conn.setBroken(); // answers may be left unread: never back into the pool
                conn.close();
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "closing a sharded release connection failed", e);
            }
        }

        /** Idle: waits for a channel to be placed here, for at most {@link #IDLE_MS}. Under lock. */
        private void awaitChannel() {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(IDLE_MS);
            long left;
            while (!retiring && !closed && placed.isEmpty() && (left = until - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** The node does not own {@code slot} (MOVED): its channels here go elsewhere. */
        private void refused(int slot) {
            synchronized (lock) {
                forgetSlots();
                for (Chan c : new ArrayList<>(placed)) {
                    if (c.slot == slot) {
                        placed.remove(c);
                        unsent.remove(c);
                        lostChannel(c);
                    }
                }
            }
        }

        @Override
        public void onSSubscribe(byte[] channel, int subscribedChannels) {
            String key = null;
            synchronized (lock) {
                reading();
                Chan c = channel == null ? null : chans.get(str(channel));
                if (c != null && c.node == this && !c.confirmed) {
                    c.confirmed = true;
                    c.ready.countDown();
                    if (c.lost) {
                        c.lost = false;
                        // a key has two channels, lost together: tell its listeners once, when the
                        // second is back
                        Chan sibling = chans.get(siblingOf(c));
                        if (sibling == null || (sibling.confirmed && !sibling.lost)) {
                            key = c.key;
                        }
                    }
                }
            }
            if (key != null) {
                // releases published while the channel was away are lost
                lost(payload(LeaseKind.LOCK, key));
                lost(payload(LeaseKind.PERMIT, key));
            }
        }

        @Override
        public void onSUnsubscribe(byte[] channel, int subscribedChannels) {
            synchronized (lock) {
                reading();
                if (channel == null || retiring) {
                    return;
                }
                String name = str(channel);
                Integer asked = dropping.get(name);
                if (asked != null) {
                    if (asked == 1) {
                        dropping.remove(name);
                    } else {
                        dropping.put(name, asked - 1);
                    }
                    return;
                }
                Chan c = chans.get(name);
                if (c != null && c.node == this) {
                    // the server dropped it: its slot moved to another node
                    placed.remove(c);
                    unsent.remove(c);
                    forgetSlots();
                    lostChannel(c);
                }
            }
        }

        @Override
        public void onSMessage(byte[] channel, byte[] message) {
            dispatch(message);
        }
    }
}
