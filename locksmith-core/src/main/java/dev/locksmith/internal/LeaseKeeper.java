package dev.locksmith.internal;

import dev.locksmith.LeaseLoss;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.LeaseRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps held leases alive: one timer for the whole client, and one store call per batch of due
 * leases, sent one batch after another from at most one executor thread, never a thread or
 * timer per lease. Each tick renews every auto-extended lease whose
 * renewal (at a third of its TTL) falls due before the next tick, so leases taken at different
 * times share batches.
 */
final class LeaseKeeper {
    /** Leases per store call. */
    static final int BATCH_SIZE = 500;

    private static final long MIN_PERIOD = 1_000_000L; // 1 ms
    private static final long MAX_PERIOD = 1_000_000_000L; // 1 s

    private final Engine engine;
    /** Leases due for renewal, drained batch by batch by at most one task at a time. */
    private final ConcurrentLinkedQueue<LeaseImpl> due = new ConcurrentLinkedQueue<>();

    private final AtomicBoolean draining = new AtomicBoolean();
    private final Set<LeaseImpl> live = ConcurrentHashMap.newKeySet();
    private final Set<LeaseImpl> extended = ConcurrentHashMap.newKeySet();
    private TimeSource.Timeout tick;
    private long tickAt;
    private boolean closed;
    /** The failure of the latest renewal batch while renewals fail, or null once one succeeds. */
    private volatile Throwable lastFailure;
    /** When the current run of failed renewals began (time source nanos); valid while lastFailure is set. */
    private volatile long failingSince;

    LeaseKeeper(Engine engine) {
        this.engine = engine;
    }

    void add(LeaseImpl lease) {
        live.add(lease);
        if (!lease.autoExtend()) {
            lease.armDeadlineTimer();
            return;
        }
        extended.add(lease);
        scheduleTick(engine.time().nanoTime() + period(lease.renewIntervalNanos()));
    }

    void remove(LeaseImpl lease) {
        live.remove(lease);
        extended.remove(lease);
    }

    private static long period(long renewInterval) {
        return Math.max(MIN_PERIOD, Math.min(MAX_PERIOD, renewInterval / 4));
    }

    /** Makes sure a tick runs no later than {@code at}. */
    private synchronized void scheduleTick(long at) {
        if (closed) {
            return;
        }
        if (tick != null && tickAt - at <= 0) {
            return;
        }
        if (tick != null) {
            tick.cancel();
        }
        tickAt = at;
        long now = engine.time().nanoTime();
        tick = engine.time().schedule(Duration.ofNanos(Math.max(0, at - now)), this::tick);
    }

    private void tick() {
        synchronized (this) {
            tick = null;
        }
        long now = engine.time().nanoTime();
        long shortest = Long.MAX_VALUE;
        boolean found = false;
        for (LeaseImpl lease : extended) {
            if (!lease.isHeld()) {
                extended.remove(lease);
                continue;
            }
            if (now - lease.deadline() >= 0) {
                lease.markLost(LeaseLoss.Reason.EXPIRED, null);
                continue;
            }
            long interval = lease.renewIntervalNanos();
            shortest = Math.min(shortest, interval);
            if (lease.renewAt() - now <= period(interval) && lease.renewing.compareAndSet(false, true)) {
                due.add(lease);
                found = true;
            }
        }
        if (found && draining.compareAndSet(false, true)) {
            engine.execute(this::drain);
        }
        if (shortest != Long.MAX_VALUE) {
            scheduleTick(now + period(shortest));
        }
    }

    /**
     * Renews every due lease, one batch after another, on one thread: renewal of any number of
     * leases occupies one executor thread and one store connection at a time.
     */
    private void drain() {
        while (true) {
            List<LeaseImpl> batch = new ArrayList<>(BATCH_SIZE);
            LeaseImpl next;
            while (batch.size() < BATCH_SIZE && (next = due.poll()) != null) {
                batch.add(next);
            }
            if (!batch.isEmpty()) {
                renew(batch);
                continue;
            }
            draining.set(false);
            // a tick may have queued leases after the last poll and seen draining still set
            if (due.isEmpty() || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    private void renew(List<LeaseImpl> batch) {
        List<LeaseRef> refs = new ArrayList<>(batch.size());
        for (LeaseImpl lease : batch) {
            refs.add(lease.ref());
        }
        long sentAt = engine.time().nanoTime();
        boolean[] held;
        try {
            // one try: a failed batch is tried again at the next tick, until the leases' deadlines
            held = engine.callOnce(null, () -> engine.backend().extendAll(refs));
        } catch (RuntimeException e) {
            if (lastFailure == null) {
                // one line per outage, not one per batch: the operator needs to know it began,
                // what failed and what is at risk; the recovery gets its own line
                failingSince = engine.time().nanoTime();
                Engine.LOG.log(
                        System.Logger.Level.WARNING,
                        "renewals are failing (" + e.getMessage() + "); " + live.size()
                                + " leases at risk, each lost at its deadline unless the store answers first");
            }
            lastFailure = e;
            Engine.LOG.log(System.Logger.Level.DEBUG, "renewal failure", e);
            for (LeaseImpl lease : batch) {
                lease.renewing.set(false);
                // without a confirmed renewal the lease dies at its local deadline
                lease.armDeadlineTimer();
            }
            return;
        }
        if (lastFailure != null) {
            lastFailure = null;
            Engine.LOG.log(
                    System.Logger.Level.INFO,
                    "renewals recovered after "
                            + Duration.ofNanos(engine.time().nanoTime() - failingSince)
                                    .toMillis() + " ms");
        }
        for (int i = 0; i < batch.size(); i++) {
            LeaseImpl lease = batch.get(i);
            if (held[i]) {
                lease.confirmed(sentAt, refs.get(i).ttl());
            } else {
                lease.markLost(LeaseLoss.Reason.NOT_HELD, null);
            }
            lease.renewing.set(false);
        }
    }

    /** The store failure behind the current run of failed renewals, or null when they succeed. */
    Throwable lastFailure() {
        return lastFailure;
    }

    /** Stops renewing; every live lease is reported lost and released on a best-effort basis. */
    void close() {
        synchronized (this) {
            closed = true;
            if (tick != null) {
                tick.cancel();
            }
        }
        boolean storeAnswers = true;
        for (LeaseImpl lease : new ArrayList<>(live)) {
            lease.markLost(LeaseLoss.Reason.CLIENT_CLOSED, null);
            if (storeAnswers) {
                try {
                    lease.release();
                } catch (RuntimeException e) {
                    storeAnswers = false; // the store is gone; the leases expire there by themselves
                }
            }
        }
        live.clear();
        extended.clear();
    }
}
