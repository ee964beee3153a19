package dev.locksmith.internal.memory;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WriteOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The in-memory store: one JVM, thread-safe, with the client's {@link TimeSource} as its server
 * clock. Every operation is atomic under one monitor; release notifications are delivered after
 * the monitor is left. Fencing counters live as long as the store. Waiters queue per key in
 * arrival order, and a release names the first live one, so that with several clients on one
 * shared store a release wakes one waiter, not one per client.
 */
public final class MemoryBackend implements Backend {
    private static final Capabilities CAPABILITIES =
            new Capabilities(true, false, false, true, Duration.ofNanos(1), Duration.ofNanos(1), true, true);

    private final TimeSource clock;
    private final Map<String, Grant> locks = new HashMap<>();
    private final Map<String, Long> fences = new HashMap<>();
    private final Map<String, Permits> semaphores = new HashMap<>();
    private final Map<String, Value> values = new HashMap<>();
    /** Per kind and key, queued owners in arrival order, each with the time its entry lapses. */
    private final Map<String, LinkedHashMap<String, Long>> queues = new HashMap<>();

    private final ConcurrentHashMap<String, CopyOnWriteArrayList<ReleaseListener>> listeners =
            new ConcurrentHashMap<>();

    /** How long a queue entry outlives the holder's lease: its waiter looks again before then. */
    private static final long QUEUE_SLACK_NANOS = Duration.ofSeconds(5).toNanos();

    private record Grant(String owner, long token, long expiresAt) {}

    private record Value(byte[] bytes, long token, long expiresAt) {}

    private static final class Permits {
        int max;
        final Map<String, Grant> byOwner = new LinkedHashMap<>();
    }

    private final boolean shared;

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

    private boolean live(Grant g, long now) {
        return g != null && g.expiresAt - now > 0;
    }

    private long nextToken(String key) {
        return fences.merge(key, 1L, Long::sum);
    }

    @Override
    public synchronized AcquireResult tryAcquire(String key, String owner, Duration ttl) {
        long now = now();
        Grant g = locks.get(key);
        if (live(g, now) && !g.owner.equals(owner)) {
            return AcquireResult.held(g.owner, Duration.ofNanos(g.expiresAt - now));
        }
        long token = live(g, now) ? g.token : nextToken(key);
        locks.put(key, new Grant(owner, token, now + nanos(ttl)));
        unqueue(LeaseKind.LOCK, key, owner);
        return AcquireResult.acquired(token, ttl);
    }

    @Override
    public synchronized AcquireResult tryAcquireOrQueue(String key, String owner, Duration ttl) {
        return queueIfHeld(LeaseKind.LOCK, key, owner, tryAcquire(key, owner, ttl));
    }

    @Override
    public synchronized boolean extend(String key, String owner, Duration ttl) {
        long now = now();
        Grant g = locks.get(key);
        if (!live(g, now) || !g.owner.equals(owner)) {
            return false;
        }
        locks.put(key, new Grant(owner, g.token, now + nanos(ttl)));
        return true;
    }

    @Override
    public boolean release(String key, String owner) {
        boolean released;
        String next = null;
        synchronized (this) {
            Grant g = locks.get(key);
            released = live(g, now()) && g.owner.equals(owner);
            if (released) {
                locks.remove(key);
                next = nextInQueue(LeaseKind.LOCK, key);
            }
        }
        if (released) {
            notify(LeaseKind.LOCK, key, next);
        }
        return released;
    }

    @Override
    public synchronized Optional<LockInfo> inspect(String key) {
        long now = now();
        Grant g = locks.get(key);
        if (!live(g, now)) {
            return Optional.empty();
        }
        return Optional.of(new LockInfo(key, LeaseKind.LOCK, g.owner, g.token, Duration.ofNanos(g.expiresAt - now)));
    }

    private Permits prunedPermits(String key, long now) {
        Permits p = semaphores.get(key);
        if (p != null) {
            p.byOwner.values().removeIf(g -> !live(g, now));
        }
        return p;
    }

    @Override
    public synchronized AcquireResult tryAcquirePermit(String key, String owner, int maxPermits, Duration ttl) {
        long now = now();
        Permits p = prunedPermits(key, now);
        if (p == null) {
            p = new Permits();
            semaphores.put(key, p);
        }
        p.max = maxPermits;
        Grant mine = p.byOwner.get(owner);
        if (mine == null && p.byOwner.size() >= maxPermits) {
            long earliest = Long.MAX_VALUE;
            for (Grant g : p.byOwner.values()) {
                earliest = Math.min(earliest, g.expiresAt - now);
            }
            return AcquireResult.held(null, Duration.ofNanos(earliest));
        }
        long token = mine != null ? mine.token : nextToken(key);
        p.byOwner.put(owner, new Grant(owner, token, now + nanos(ttl)));
        unqueue(LeaseKind.PERMIT, key, owner);
        return AcquireResult.acquired(token, ttl);
    }

    @Override
    public synchronized AcquireResult tryAcquirePermitOrQueue(String key, String owner, int maxPermits, Duration ttl) {
        return queueIfHeld(LeaseKind.PERMIT, key, owner, tryAcquirePermit(key, owner, maxPermits, ttl));
    }

    @Override
    public synchronized boolean extendPermit(String key, String owner, Duration ttl) {
        long now = now();
        Permits p = prunedPermits(key, now);
        Grant g = p == null ? null : p.byOwner.get(owner);
        if (g == null) {
            return false;
        }
        p.byOwner.put(owner, new Grant(owner, g.token, now + nanos(ttl)));
        return true;
    }

    @Override
    public boolean releasePermit(String key, String owner) {
        boolean released;
        String next = null;
        synchronized (this) {
            Permits p = prunedPermits(key, now());
            released = p != null && p.byOwner.remove(owner) != null;
            if (released) {
                next = nextInQueue(LeaseKind.PERMIT, key);
            }
        }
        if (released) {
            notify(LeaseKind.PERMIT, key, next);
        }
        return released;
    }

    @Override
    public synchronized Optional<SemaphoreInfo> inspectSemaphore(String key) {
        long now = now();
        Permits p = prunedPermits(key, now);
        if (p == null || p.byOwner.isEmpty()) {
            return Optional.empty();
        }
        List<LockInfo> holders = new ArrayList<>();
        for (Grant g : p.byOwner.values()) {
            holders.add(new LockInfo(key, LeaseKind.PERMIT, g.owner, g.token, Duration.ofNanos(g.expiresAt - now)));
        }
        return Optional.of(new SemaphoreInfo(key, p.max, holders));
    }

    @Override
    public synchronized List<LockInfo> list(String keyPrefix) {
        long now = now();
        List<LockInfo> out = new ArrayList<>();
        locks.forEach((k, g) -> {
            if (k.startsWith(keyPrefix) && live(g, now)) {
                out.add(new LockInfo(k, LeaseKind.LOCK, g.owner, g.token, Duration.ofNanos(g.expiresAt - now)));
            }
        });
        for (String k : new ArrayList<>(semaphores.keySet())) {
            if (k.startsWith(keyPrefix)) {
                for (Grant g : prunedPermits(k, now).byOwner.values()) {
                    out.add(new LockInfo(k, LeaseKind.PERMIT, g.owner, g.token, Duration.ofNanos(g.expiresAt - now)));
                }
            }
        }
        return out;
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        List<LockInfo> removed = new ArrayList<>();
        synchronized (this) {
            long now = now();
            Grant g = locks.remove(key);
            if (live(g, now)) {
                removed.add(new LockInfo(key, LeaseKind.LOCK, g.owner, g.token, Duration.ofNanos(g.expiresAt - now)));
            }
            Permits p = prunedPermits(key, now);
            if (p != null) {
                for (Grant pg : p.byOwner.values()) {
                    removed.add(new LockInfo(
                            key, LeaseKind.PERMIT, pg.owner, pg.token, Duration.ofNanos(pg.expiresAt - now)));
                }
                semaphores.remove(key);
            }
        }
        for (LockInfo info : removed) {
            notify(info.kind(), key, null); // maybe several permits at once: each client lets one waiter try
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
        Grant g = locks.get(key);
        if (live(g, now) && g.owner.equals(owner) && g.token == fencingToken) {
            long expiresAt = valueTtl == null ? now + Long.MAX_VALUE / 4 : now + nanos(valueTtl);
            values.put(key, new Value(value.clone(), fencingToken, expiresAt));
            return WriteOutcome.WRITTEN;
        }
        Long fence = fences.get(key);
        return fence != null && fence > fencingToken ? WriteOutcome.STALE_TOKEN : WriteOutcome.NOT_HELD;
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        String id = id(kind, key);
        CopyOnWriteArrayList<ReleaseListener> list = listeners.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
        list.add(listener);
        return () -> listeners.computeIfPresent(id, (k, l) -> {
            l.remove(listener);
            return l.isEmpty() ? null : l;
        });
    }

    @Override
    public synchronized void leaveQueue(LeaseKind kind, String key, String owner) {
        unqueue(kind, key, owner);
    }

    private static String id(LeaseKind kind, String key) {
        return kind + "/" + key;
    }

    private AcquireResult queueIfHeld(LeaseKind kind, String key, String owner, AcquireResult r) {
        if (!r.isAcquired()) {
            long until = now() + nanos(r.ttl() == null ? Duration.ZERO : r.ttl()) + QUEUE_SLACK_NANOS;
            // merge keeps an owner that is queued already in its place
            queues.computeIfAbsent(id(kind, key), k -> new LinkedHashMap<>()).merge(owner, until, Math::max);
        }
        return r;
    }

    private void unqueue(LeaseKind kind, String key, String owner) {
        String id = id(kind, key);
        LinkedHashMap<String, Long> q = queues.get(id);
        if (q != null && q.remove(owner) != null && q.isEmpty()) {
            queues.remove(id);
        }
    }

    /** Takes the first queued owner whose entry has not lapsed out of the queue, or null. */
    private String nextInQueue(LeaseKind kind, String key) {
        String id = id(kind, key);
        LinkedHashMap<String, Long> q = queues.get(id);
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
            queues.remove(id);
        }
        return next;
    }

    private void notify(LeaseKind kind, String key, String next) {
        CopyOnWriteArrayList<ReleaseListener> list = listeners.get(id(kind, key));
        if (list != null) {
            for (ReleaseListener l : list) {
                l.released(next);
            }
        }
    }

    @Override
    public void close() {
        if (!shared) {
            listeners.clear();
        }
    }
}
