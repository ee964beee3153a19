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

        /**
         * The channels are no longer subscribed here (their slot moved, or the connection ended);
         * {@code ended}: this subscriber is finished and takes no more channels.
         */
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
    /** Placed while the reader was not reading: SSUBSCRIBE once it is. */
    private final Set<String> unsent = new LinkedHashSet<>();
    /** Removed while the reader was not reading: SUNSUBSCRIBE once it is. */
    private final List<String> unsentDrops = new ArrayList<>();
    /** SUNSUBSCRIBEs sent and not yet answered, by channel: their answers are no forced drop. */
    private final Map<String, Integer> dropping = new HashMap<>();
    /** Inside Jedis's loop, past its own first write: writes from other threads are safe. */
    private boolean reading;
    /** Closing: everything is unsubscribed, the connection closed, no channel taken. */
    private boolean retiring;

    private long idleRound;

    ShardSubscriber(String id, Connection conn, String first, Events events, TimeSource time) {
        this.id = id;
        this.conn = conn;
        this.first = first;
        this.events = events;
        this.time = time;
        this.thread = new Thread(this, "locksmith-redis-ssub-" + id.substring(0, Math.min(8, id.length())));
        this.thread.setDaemon(true);
        placed.add(first);
    }

    void start() {
        thread.start();
    }

    /** Subscribes {@code channel} here; false if this connection is ending (place it elsewhere). */
    boolean add(String channel) {
        synchronized (lock) {
            if (retiring) {
                return false;
            }
            placed.add(channel);
            if (reading) {
                send(channel);
            } else {
                unsent.add(channel);
                lock.notifyAll(); // an idle reader enters its loop again
            }
            return true;
        }
    }

    /** Unsubscribes {@code channel} (if it is still here). */
    void remove(String channel) {
        synchronized (lock) {
            if (!placed.remove(channel) || unsent.remove(channel) || retiring) {
                return;
            }
            if (reading) {
                sendDrop(channel);
            } else {
                unsentDrops.add(channel);
            }
        }
    }

    /** Closes: the reader unsubscribes everything, ends and closes the connection. */
    void retire() {
        synchronized (lock) {
            if (!retiring) {
                retiring = true;
                if (reading) {
                    unsubscribeAll();
                }
                lock.notifyAll(); // an idle reader ends
            }
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
            try {
                conn.disconnect(); // the server did not answer: the reader fails and ends
            } catch (JedisException e) {
                LOG.log(Level.DEBUG, "disconnect failed", e);
            }
        }
    }

    private void send(String channel) {
        try {
            ssubscribe(KeyLayout.bytes(channel));
        } catch (JedisException e) {
            // the connection failed: the reader fails too and reports its channels lost
            LOG.log(Level.DEBUG, "ssubscribe failed", e);
        }
    }

    private void sendDrop(String channel) {
        dropping.merge(channel, 1, Integer::sum);
        try {
            sunsubscribe(KeyLayout.bytes(channel));
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
        unsentDrops.forEach(this::sendDrop);
        unsentDrops.clear();
        unsent.forEach(this::send);
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

    /** Idle: waits for a channel to be placed here, for at most {@link #IDLE} (timed on the TimeSource). Under lock. */
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
            for (String c : new ArrayList<>(placed)) {
                if (JedisClusterCRC16.getSlot(c) == slot) {
                    placed.remove(c);
                    unsent.remove(c);
                    gone.add(c);
                }
            }
        }
        return gone;
    }

    @Override
    public void onSSubscribe(byte[] channel, int subscribedChannels) {
        synchronized (lock) {
            reading();
        }
        if (channel != null) {
            events.confirmed(this, SlotMap.str(channel));
        }
    }

    @Override
    public void onSUnsubscribe(byte[] channel, int subscribedChannels) {
        String name = channel == null ? null : SlotMap.str(channel);
        synchronized (lock) {
            reading();
            if (name == null || retiring) {
                return;
            }
            Integer asked = dropping.get(name);
            if (asked != null) {
                if (asked == 1) {
                    dropping.remove(name);
                } else {
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
