package dev.locksmith.internal;

import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.ReleaseFeed;
import dev.locksmith.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Waiters of this client, per lock or semaphore key. One store subscription per waited-on key,
 * opened by the first waiter and closed {@link #LINGER} after the last one left (a contended key
 * keeps its subscription between waits, so a new waiter needs no second look and the store no
 * subscribe/unsubscribe churn). A release wakes one acquirer, not all: only
 * one of them can win, and the winner's own release wakes the next. When the store names the
 * waiter it chose from its wait queue, only that one is woken, and only in the client that has it,
 * so one release costs one attempt however many processes wait. Watchers (waiters that only wait
 * for the key to be free) are all woken by every release.
 */
final class Waiters {

    /** Something waiting for a key to be released. */
    interface Waiter {
        /** The owner it acquires for, or {@code null} for a watcher. */
        String owner();

        /** Wakes the waiter; false if it no longer waits (it timed out, was cancelled or already woke). */
        boolean wake();
    }

    private static final int EPOCH_STRIPES = 64;

    /** How long a key's subscription outlives its last waiter. */
    static final Duration LINGER = Duration.ofSeconds(2);

    /** The store's release feed, or null when it has none (then only local releases wake waiters). */
    private final ReleaseFeed feed;

    private final TimeSource time;
    private final ConcurrentHashMap<String, KeyWaiters> byKey = new ConcurrentHashMap<>();
    /**
     * Release counters, striped by key. A waiter reads its key's counter before an attempt and
     * looks again before it sleeps: a release heard while its attempt was in flight (when it was
     * in no queue to be woken) then costs one more attempt instead of a sleep.
     */
    private final AtomicLongArray releaseEpochs = new AtomicLongArray(EPOCH_STRIPES);

    Waiters(ReleaseFeed feed, TimeSource time) {
        this.feed = feed;
        this.time = time;
    }

    /**
     * Adds a waiter (once: adding one that is queued already changes nothing).
     *
     * @return null when the key's subscription was in effect already; otherwise a future that
     *     completes once it is (complete already for a feed that is in effect at once): a release
     *     may have been missed between the failed attempt and then, so the caller looks once more
     */
    CompletableFuture<Void> add(LeaseKind kind, String key, Waiter waiter) {
        String id = id(kind, key);
        boolean[] opened = new boolean[1];
        byKey.compute(id, (k, existing) -> {
            KeyWaiters kw = existing;
            if (kw == null) {
                kw = new KeyWaiters();
                opened[0] = true;
            }
            if (!kw.queue.contains(waiter)) {
                kw.queue.add(waiter);
            }
            if (kw.linger != null) {
                kw.linger.cancel(); // in use again before its subscription was closed
                kw.linger = null;
            }
            return kw;
        });
        KeyWaiters kw = byKey.get(id);
        if (opened[0]) {
            // Subscribe outside compute(): a store may call back into this map from its thread.
            Subscription s;
            try {
                s = feed == null ? Subscription.NONE : feed.subscribe(kind, key, next -> released(id, next));
            } catch (RuntimeException e) {
                Engine.LOG.log(
                        System.Logger.Level.WARNING,
                        "could not subscribe to releases of " + key + "; waiting by timeout only: " + e.getMessage());
                s = Subscription.NONE;
            }
            attach(id, s);
            if (kw == null) {
                return s.ready(); // every waiter left meanwhile; the subscription lingers and closes
            }
            s.ready().whenComplete((v, e) -> kw.inEffect.complete(null));
            return kw.inEffect;
        }
        // a waiter that joins before the key's subscription is in effect also looks once more then
        return kw == null || kw.inEffect.isDone() ? null : kw.inEffect;
    }

    private void attach(String id, Subscription s) {
        boolean[] keep = new boolean[1];
        byKey.computeIfPresent(id, (k, kw) -> {
            if (kw.subscription == null) {
                kw.subscription = s; // a key whose waiters left meanwhile lingers, and closes it then
                keep[0] = true;
            }
            return kw;
        });
        if (!keep[0]) {
            s.close();
        }
    }

    /**
     * Removes a waiter that stopped waiting; when it was the last, the key's subscription is
     * closed after {@link #LINGER} unless a waiter comes back first.
     */
    void remove(LeaseKind kind, String key, Waiter waiter) {
        remove(id(kind, key), waiter);
    }

    private void remove(String id, Waiter waiter) {
        byKey.computeIfPresent(id, (k, kw) -> {
            kw.queue.remove(waiter);
            if (kw.queue.isEmpty() && kw.linger == null) {
                kw.linger = time.schedule(LINGER, () -> closeIfIdle(id, kw));
            }
            return kw;
        });
    }

    private void closeIfIdle(String id, KeyWaiters idle) {
        Subscription[] toClose = new Subscription[1];
        byKey.computeIfPresent(id, (k, kw) -> {
            if (kw != idle || !kw.queue.isEmpty()) {
                return kw;
            }
            toClose[0] = kw.subscription;
            return null;
        });
        if (toClose[0] != null) {
            toClose[0].close();
        }
    }

    /** A release by this client, for stores that do not notify: wake a local waiter directly. */
    void localRelease(LeaseKind kind, String key) {
        released(id(kind, key), null);
    }

    /** The release counter of a key; it changes whenever a release of that key (or one sharing its stripe) is heard. */
    long epoch(LeaseKind kind, String key) {
        return releaseEpochs.get(stripe(id(kind, key)));
    }

    private static int stripe(String id) {
        return (id.hashCode() & Integer.MAX_VALUE) % EPOCH_STRIPES;
    }

    /**
     * A release of {@code id}: wakes every watcher, and the acquirer named {@code next} if it is
     * here, or any one acquirer when the store named none. A named acquirer that is here but no
     * longer waits hands its turn to another of ours. A woken waiter removes itself; one that no
     * longer waits is dropped.
     */
    private void released(String id, String next) {
        releaseEpochs.incrementAndGet(stripe(id));
        KeyWaiters kw = byKey.get(id);
        if (kw == null) {
            return;
        }
        for (Waiter w : kw.queue) {
            if (w.owner() == null && !w.wake()) {
                remove(id, w);
            }
        }
        if (next != null) {
            Waiter chosen = null;
            for (Waiter w : kw.queue) {
                if (next.equals(w.owner())) {
                    chosen = w;
                    break;
                }
            }
            if (chosen == null) {
                return; // another client's waiter (or one of ours with its attempt in flight)
            }
            if (chosen.wake()) {
                return;
            }
            remove(id, chosen);
        }
        for (Waiter w : kw.queue) {
            if (w.owner() != null) {
                if (w.wake()) {
                    return;
                }
                remove(id, w);
            }
        }
    }

    void close() {
        List<KeyWaiters> all = new ArrayList<>(byKey.values());
        byKey.clear();
        for (KeyWaiters kw : all) {
            if (kw.linger != null) {
                kw.linger.cancel();
            }
            if (kw.subscription != null) {
                kw.subscription.close();
            }
            // woken waiters see the closed client and fail instead of sleeping out their timers
            for (Waiter w : kw.queue) {
                w.wake();
            }
        }
    }

    private static String id(LeaseKind kind, String key) {
        return (kind == LeaseKind.LOCK ? "L" : "P") + key;
    }

    private static final class KeyWaiters {
        // adds and removals of the last waiter go through ConcurrentHashMap.compute, so they are serialized
        final ConcurrentLinkedDeque<Waiter> queue = new ConcurrentLinkedDeque<>();
        Subscription subscription;
        /** Completes once the key's store subscription is in effect. */
        final CompletableFuture<Void> inEffect = new CompletableFuture<>();
        /** The pending close of an idle key's subscription, or null while it has waiters. */
        TimeSource.Timeout linger;
    }
}
