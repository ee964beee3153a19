package dev.locksmith.redis;

import dev.locksmith.TimeSource;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.Connection;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * The sharded pub/sub connection to one master and its reader thread. It subscribes the channels
 * it is given and reports through {@link Events} what the server confirmed, what it lost, and the
 * messages; it knows nothing of keys or listeners.
 *
 * <p>Jedis's loop ({@code proceed}) ends when the server counts no channel left, or on an error.
 * With channels left (after a {@code MOVED}, or a drop that raced a new {@code SSUBSCRIBE}) the loop
 * is entered again on the same connection; with none, the connection stays open, idle, for the
 * next channel, and is closed after {@link #IDLE} without one. Writes from other threads happen
 * under {@link #lock} and only while the reader is inside the loop; before that they are queued.
 */
final class ShardSubscriber extends BinaryJedisShardedPubSub implements Runnable {
    private static final System.Logger LOG = System.getLogger(ShardSubscriber.class.getName());
    private static final Duration IDLE = Duration.ofSeconds(60);

    /** What a subscriber reports, on its reader thread and never under its own lock. */
    interface Events {
        /** The node confirmed the subscription of {@code channel}. */
        void confirmed(ShardSubscriber node, String channel);

        /** The channels are no longer subscribed here; {@code ended}: this subscriber takes no more. */
        void lost(ShardSubscriber node, List<String> channels, boolean ended);

        /** A message on one of the channels. */
        void message(byte[] message);
    }

    final String id;
    private final Connection conn;
    private final Thread thread;
    private final Events events;
    private final TimeSource time;
    private final String first;
    private final Object lock = new Object();
    // guarded by lock
    private final Set<String> placed = new LinkedHashSet<>();
    private final Set<String> unsent = new LinkedHashSet<>(); // SSUBSCRIBE once the reader reads
    private final List<String> unsentDrops = new ArrayList<>(); // SUNSUBSCRIBE once the reader reads
    private final Map<String, Integer> dropping = new HashMap<>(); // our SUNSUBSCRIBEs not yet answered
    private boolean reading; // inside Jedis's loop, past its own first write: writes are safe
    private boolean retiring; // everything unsubscribed, the connection closed, no channel taken
    private long idleRound;

    /** A subscriber of {@code channels}, the first subscribed as the reader starts and the others once it reads. */
    ShardSubscriber(String id, Connection conn, List<String> channels, Events events, TimeSource time) {
        this.id = id;
        this.conn = conn;
        this.events = events;
        this.time = time;
        this.first = channels.get(0);
        this.thread = new Thread(this, "locksmith-redis-ssub-" + id.substring(0, Math.min(8, id.length())));
        this.thread.setDaemon(true);
        placed.addAll(channels);
        unsent.addAll(channels.subList(1, channels.size()));
    }

    void start() {
        thread.start();
    }

    /** Subscribes {@code channels} here; false if this connection is ending (place them elsewhere). */
    boolean add(List<String> channels) {
        synchronized (lock) {
            if (retiring) {
                return false;
            }
            for (String channel : channels) {
                placed.add(channel);
                if (reading) {
                    write(() -> ssubscribe(KeyLayout.bytes(channel)));
                } else {
                    unsent.add(channel);
                    lock.notifyAll(); // an idle reader enters its loop again
                }
            }
            return true;
        }
    }

    /** Unsubscribes {@code channel} (if it is still here). */
    void remove(String channel) {
        synchronized (lock) {
            if (placed.remove(channel) && !unsent.remove(channel) && !retiring) {
                if (reading) {
                    drop(channel);
                } else {
                    unsentDrops.add(channel);
                }
            }
        }
    }

    /** Closes: the reader unsubscribes everything, ends and closes the connection. */
    void retire() {
        synchronized (lock) {
            if (!retiring && reading) {
                write(this::sunsubscribe);
            }
            retiring = true;
            lock.notifyAll(); // an idle reader ends
        }
    }

    /** Waits up to {@code max} for the reader to end, then cuts the connection of one that did not. */
    void awaitEnd(Duration max) {
        try {
            thread.join(Math.max(1, max.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            write(conn::disconnect); // the server did not answer: the reader fails and ends
        }
    }

    /** A write that fails leaves the reader to fail too and report its channels lost. */
    private static void write(Runnable command) {
        try {
            command.run();
        } catch (JedisException e) {
            LOG.log(Level.DEBUG, "sharded pub/sub write failed", e);
        }
    }

    private void drop(String channel) {
        dropping.merge(channel, 1, Integer::sum);
        write(() -> sunsubscribe(KeyLayout.bytes(channel)));
    }

    /** The first answer in a loop: writes are safe now. Under lock. */
    private void reading() {
        if (reading) {
            return;
        }
        reading = true;
        if (retiring) {
            write(this::sunsubscribe);
            return;
        }
        unsentDrops.forEach(this::drop);
        unsentDrops.clear();
        unsent.forEach(c -> write(() -> ssubscribe(KeyLayout.bytes(c))));
        unsent.clear();
    }

    @Override
    public void run() {
        String anchor = first;
        RuntimeException failure = null;
        List<String> left;
        while (true) {
            try {
                proceed(conn, KeyLayout.bytes(anchor));
            } catch (JedisMovedDataException e) {
                events.lost(this, refused(e.getSlot()), false);
            } catch (RuntimeException e) {
                failure = e;
            }
            synchronized (lock) {
                reading = false;
                if (failure == null && !retiring && placed.isEmpty()) {
                    awaitChannel();
                }
                if (failure == null && !retiring && !placed.isEmpty()) {
                    // enter the loop again with a channel placed here (SSUBSCRIBE is idempotent)
                    anchor = placed.iterator().next();
                    unsent.remove(anchor);
                    continue;
                }
                retiring = true;
                left = new ArrayList<>(placed);
                placed.clear();
                unsent.clear();
            }
            break;
        }
        if (failure != null) {
            LOG.log(Level.DEBUG, "sharded release connection to node " + id + " failed", failure);
        }
        try {
            conn.setBroken(); // answers may be left unread: never back into the pool
            conn.close();
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "closing a sharded release connection failed", e);
        }
        events.lost(this, left, true);
    }

    /** Idle: waits for a channel to be placed here, for at most {@link #IDLE} (on the TimeSource). Under lock. */
    private void awaitChannel() {
        long round = ++idleRound;
        TimeSource.Timeout idle = time.schedule(IDLE, () -> {
            synchronized (lock) {
                if (idleRound == round && placed.isEmpty()) {
                    retiring = true;
                    lock.notifyAll();
                }
            }
        });
        try {
            while (!retiring && placed.isEmpty()) {
                lock.wait();
            }
        } catch (InterruptedException e) {
            retiring = true;
        } finally {
            idle.cancel();
        }
    }

    /** The node does not own {@code slot} (MOVED): the channels here in that slot are lost. */
    private List<String> refused(int slot) {
        List<String> gone = new ArrayList<>();
        synchronized (lock) {
            placed.removeIf(c -> JedisClusterCRC16.getSlot(c) == slot && gone.add(c));
            unsent.removeAll(gone);
        }
        return gone;
    }

    @Override
    public void onSSubscribe(byte[] channel, int subscribedChannels) {
        synchronized (lock) {
            reading();
        }
        if (channel != null) {
            events.confirmed(this, ShardedFeed.str(channel));
        }
    }

    @Override
    public void onSUnsubscribe(byte[] channel, int subscribedChannels) {
        String name = channel == null ? null : ShardedFeed.str(channel);
        synchronized (lock) {
            reading();
            if (name == null || retiring) {
                return;
            }
            Integer asked = dropping.remove(name);
            if (asked != null) { // the answer to our own SUNSUBSCRIBE
                if (asked > 1) {
                    dropping.put(name, asked - 1);
                }
                return;
            }
            if (!placed.remove(name)) {
                return;
            }
            unsent.remove(name); // the server dropped it: its slot moved to another node
        }
        events.lost(this, List.of(name), false);
    }

    @Override
    public void onSMessage(byte[] channel, byte[] message) {
        events.message(message);
    }
}
