package dev.locksmith.internal.memory;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.GuardedStore;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.OperatorActions;
import dev.locksmith.spi.ReleaseFeed;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WaitQueue;
import dev.locksmith.spi.WriteOutcome;
import dev.locksmith.spi.support.FeedListeners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-memory store, and the reference implementation of the SPI: one JVM, thread-safe, with
 * the client's {@link TimeSource} as its server clock. Every operation is atomic under one
 * monitor; release notifications are delivered after the monitor is left. A lock is a grant set
 * of at most one holder, a semaphore one of at most {@code maxPermits}; both kinds of one key
 * share one fencing counter, which lives as long as the store. Waiters queue per kind and key in
 * arrival order, and a release names the first live one, so that with several clients on one
 * shared store a release wakes one waiter, not one per client.
 */
public final class MemoryBackend implements Backend, ReleaseFeed, WaitQueue, GuardedStore, OperatorActions {
    private static final Capabilities CAPABILITIES = Capabilities.builder()
            .linearizable(true)
            .minTtl(Duration.ofNanos(1))
            .ttlGranularity(Duration.ofNanos(1))
            .build();

    /** How long a queue entry outlives the holder's lease: its waiter looks again before then. */
    private static final long QUEUE_SLACK_NANOS = Duration.ofSeconds(5).toNanos();

    private final TimeSource clock;
    private final boolean shared;
    /** Grants per topic ({@link FeedListeners#topic}). */
    private final Map<String, Grants> grants = new HashMap<>();

    private final Map<String, Long> fences = new HashMap<>();
    private final Map<String, Value> values = new HashMap<>();
    /** Per topic, queued owners in arrival order, each with the time its entry lapses. */
    private final Map<String, LinkedHashMap<String, Long>> queues = new HashMap<>();

    private final FeedListeners listeners = new FeedListeners();

    private record Grant(String owner, long token, long expiresAt) {}

    private record Value(byte[] bytes, long token, long expiresAt) {}

    private static final class Grants {
        int max;
        final Map<String, Grant> byOwner = new LinkedHashMap<>();
    }

    public MemoryBackend(TimeSource clock, boolean shared) {
        this.clock = clock;
        this.shared = shared;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    private long now() {
        return clock.nanoTime();
    }

    private static long nanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    /** The live grants of a topic, expired ones dropped; null if there are none. */
    private Grants live(String topic, long now) {
        Grants g = grants.get(topic);
        if (g != null) {
            g.byOwner.values().removeIf(x -> x.expiresAt - now <= 0);
            if (g.byOwner.isEmpty()) {
                grants.remove(topic);
                return null;
            }
        }
        return g;
    }

    @Override
    public synchronized AcquireResult tryAcquire(AcquireRequest r) {
        long now = now();
        String topic = FeedListeners.topic(r.kind(), r.key());
        Grants g = live(topic, now);
        Grant mine = g == null ? null : g.byOwner.get(r.owner());
        if (mine == null && g != null && g.byOwner.size() >= r.maxPermits()) {
            long earliest = Long.MAX_VALUE;
            for (Grant x : g.byOwner.values()) {
                earliest = Math.min(earliest, x.expiresAt - now);
            }
            String holder = r.isLock() ? g.byOwner.keySet().iterator().next() : null;
            AcquireResult held = AcquireResult.held(holder, Duration.ofNanos(earliest));
            if (r.queue()) {
                long until = now + earliest + QUEUE_SLACK_NANOS;
                // merge keeps an owner that is queued already in its place
                queues.computeIfAbsent(topic, k -> new LinkedHashMap<>()).merge(r.owner(), until, Math::max);
            }
            return held;
        }
        if (g == null) {
            g = new Grants();
            grants.put(topic, g);
        }
        g.max = r.maxPermits();
        long token = mine != null ? mine.token : fences.merge(r.key(), 1L, Long::sum);
        g.byOwner.put(r.owner(), new Grant(r.owner(), token, now + nanos(r.ttl())));
        unqueue(topic, r.owner());
        return AcquireResult.acquired(token, r.ttl());
    }

    @Override
    public synchronized boolean extend(LeaseRef lease) {
        long now = now();
        Grants g = live(FeedListeners.topic(lease.kind(), lease.key()), now);
        Grant mine = g == null ? null : g.byOwner.get(lease.owner());
        if (mine == null) {
            return false;
        }
        g.byOwner.put(lease.owner(), new Grant(mine.owner, mine.token, now + nanos(lease.ttl())));
        return true;
    }

    @Override
    public boolean release(LeaseKind kind, String key, String owner) {
        String topic = FeedListeners.topic(kind, key);
        String next;
        synchronized (this) {
            Grants g = live(topic, now());
            if (g == null || g.byOwner.remove(owner) == null) {
                return false;
            }
            next = nextInQueue(topic);
        }
        listeners.tell(topic, next);
        return true;
    }

    @Override
    public synchronized Holders inspect(LeaseKind kind, String key) {
        long now = now();
        Grants g = live(FeedListeners.topic(kind, key), now);
        if (g == null) {
            return Holders.FREE;
        }
        List<LockInfo> out = new ArrayList<>();
        for (Grant x : g.byOwner.values()) {
            out.add(info(key, kind, x, now));
        }
        return new Holders(g.max, out);
    }

    @Override
    public Holders inspectOrWatch(String key) {
        return inspect(LeaseKind.LOCK, key); // every release is told to every listener here
    }

    private static LockInfo info(String key, LeaseKind kind, Grant g, long now) {
        return new LockInfo(key, kind, g.owner, g.token, Duration.ofNanos(g.expiresAt - now));
    }

    @Override
    public synchronized List<LockInfo> list(String keyPrefix) {
        long now = now();
        List<LockInfo> out = new ArrayList<>();
        for (String topic : new ArrayList<>(grants.keySet())) {
            String key = FeedListeners.keyOf(topic);
            Grants g = key.startsWith(keyPrefix) ? live(topic, now) : null;
            if (g != null) {
                g.byOwner.values().forEach(x -> out.add(info(key, FeedListeners.kindOf(topic), x, now)));
            }
        }
        return out;
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        List<LockInfo> removed = new ArrayList<>();
        synchronized (this) {
            long now = now();
            for (LeaseKind kind : LeaseKind.values()) {
                Grants g = live(FeedListeners.topic(kind, key), now);
                if (g != null) {
                    g.byOwner.values().forEach(x -> removed.add(info(key, kind, x, now)));
                    grants.remove(FeedListeners.topic(kind, key));
                }
            }
        }
        for (LockInfo info : removed) {
            // maybe several permits at once: each client lets one waiter try
            listeners.tell(FeedListeners.topic(info.kind(), key), null);
        }
        return removed;
    }

    @Override
    public synchronized Optional<StoredState> readState(String key) {
        Value v = values.get(key);
        if (v == null || v.expiresAt - now() <= 0) {
            return Optional.empty();
        }
        return Optional.of(new StoredState(v.bytes.clone(), v.token));
    }

    @Override
    public synchronized WriteOutcome writeState(
            String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
        long now = now();
        Grants g = live(FeedListeners.topic(LeaseKind.LOCK, key), now);
        Grant holder = g == null ? null : g.byOwner.get(owner);
        if (holder != null && holder.token == fencingToken) {
            long expiresAt = valueTtl == null ? now + Long.MAX_VALUE / 4 : now + nanos(valueTtl);
            values.put(key, new Value(value.clone(), fencingToken, expiresAt));
            return WriteOutcome.WRITTEN;
        }
        Long fence = fences.get(key);
        return fence != null && fence > fencingToken ? WriteOutcome.STALE_TOKEN : WriteOutcome.NOT_HELD;
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        return listeners.add(kind, key, listener);
    }

    @Override
    public synchronized void leaveQueue(LeaseKind kind, String key, String owner) {
        unqueue(FeedListeners.topic(kind, key), owner);
    }

    private void unqueue(String topic, String owner) {
        LinkedHashMap<String, Long> q = queues.get(topic);
        if (q != null && q.remove(owner) != null && q.isEmpty()) {
            queues.remove(topic);
        }
    }

    /** Takes the first queued owner whose entry has not lapsed out of the queue, or null. */
    private String nextInQueue(String topic) {
        LinkedHashMap<String, Long> q = queues.get(topic);
        if (q == null) {
            return null;
        }
        long now = now();
        String next = null;
        for (Iterator<Map.Entry<String, Long>> it = q.entrySet().iterator(); it.hasNext() && next == null; ) {
            Map.Entry<String, Long> e = it.next();
            it.remove();
            if (e.getValue() - now > 0) {
                next = e.getKey();
            }
        }
        if (q.isEmpty()) {
            queues.remove(topic);
        }
        return next;
    }

    @Override
    public void close() {
        if (!shared) {
            listeners.clear();
        }
    }
}
