package dev.locksmith.internal;

import dev.locksmith.BackendException;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockInfo;
import dev.locksmith.LockLostException;
import dev.locksmith.LockNotHeldException;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** A granted lock or permit, kept alive by the {@link LeaseKeeper} when auto-extended. */
final class LeaseImpl implements Lease {
    private static final int HELD = 0;
    private static final int RELEASED = 1;
    private static final int LOST = 2;

    private final Engine engine;
    private final LeaseKind kind;
    private final String name;
    private final String key;
    private final String owner;
    private final long token;
    private final boolean autoExtend;
    private final AtomicInteger state = new AtomicInteger(HELD);
    private final CompletableFuture<LeaseLoss> lost = new CompletableFuture<>();
    private final AtomicReference<TimeSource.Timeout> deadlineTimer = new AtomicReference<>();
    /** Set while a renewal of this lease is in flight, so a tick does not send a second one. */
    final AtomicBoolean renewing = new AtomicBoolean();

    private volatile Duration ttl;
    private volatile long deadline;
    private volatile long renewAt;

    LeaseImpl(
            Engine engine,
            LeaseKind kind,
            String name,
            String key,
            String owner,
            long token,
            Duration ttl,
            boolean autoExtend,
            long sentAt) {
        this.engine = engine;
        this.kind = kind;
        this.name = name;
        this.key = key;
        this.owner = owner;
        this.token = token;
        this.ttl = ttl;
        this.autoExtend = autoExtend;
        confirmed(sentAt, ttl);
    }

    /**
     * The store confirmed {@code grantedTtl} for a request sent at {@code sentAt}: the store's
     * lease started no earlier than that, so the local deadline is measured from it, less a drift
     * margin, and the holder always hears of expiry before anyone else can be granted the lock.
     */
    void confirmed(long sentAt, Duration grantedTtl) {
        long ttlNanos = Durations.toNanosSaturated(grantedTtl);
        // the store's clock may count in coarser steps than ours: its lease can end up to one step early
        long granularity = Durations.toNanosSaturated(engine.capabilities().ttlGranularity());
        long margin = Math.min(ttlNanos / 100 + 2_000_000L, ttlNanos / 2) + granularity;
        deadline = sentAt + ttlNanos - margin;
        renewAt = sentAt + ttlNanos / 3;
    }

    LeaseRef ref() {
        return new LeaseRef(kind, key, owner, ttl);
    }

    long renewAt() {
        return renewAt;
    }

    long deadline() {
        return deadline;
    }

    /** How often a renewal is due. */
    long renewIntervalNanos() {
        return Durations.toNanosSaturated(ttl) / 3;
    }

    boolean autoExtend() {
        return autoExtend;
    }

    boolean isHeld() {
        return state.get() == HELD;
    }

    /** Fires {@link #markLost} at the local deadline unless an extension moved the deadline. */
    void armDeadlineTimer() {
        if (state.get() != HELD) {
            return;
        }
        long now = engine.time().nanoTime();
        TimeSource.Timeout t = engine.time().schedule(Duration.ofNanos(Math.max(0, deadline - now)), this::onDeadline);
        TimeSource.Timeout old = deadlineTimer.getAndSet(t);
        if (old != null) {
            old.cancel();
        }
        if (state.get() != HELD) {
            t.cancel();
        }
    }

    private void onDeadline() {
        if (state.get() != HELD) {
            return;
        }
        if (engine.time().nanoTime() - deadline >= 0) {
            // the renewals' failure, if they failed, is why it expired
            markLost(LeaseLoss.Reason.EXPIRED, engine.keeper().lastFailure());
        } else {
            armDeadlineTimer();
        }
    }

    void markLost(LeaseLoss.Reason reason, Throwable cause) {
        if (!state.compareAndSet(HELD, LOST)) {
            return;
        }
        stopKeeping();
        lost.complete(new LeaseLoss(name, token, reason, cause));
    }

    private void stopKeeping() {
        engine.keeper().remove(this);
        TimeSource.Timeout t = deadlineTimer.getAndSet(null);
        if (t != null) {
            t.cancel();
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LeaseKind kind() {
        return kind;
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public Duration remaining() {
        if (state.get() != HELD) {
            return Duration.ZERO;
        }
        long left = deadline - engine.time().nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    @Override
    public boolean isValid() {
        return state.get() == HELD && deadline - engine.time().nanoTime() > 0;
    }

    @Override
    public void extend(Duration newTtl) {
        Args.positive(newTtl, "ttl");
        engine.checkTtl(newTtl);
        int s = state.get();
        if (s == RELEASED) {
            throw new LockNotHeldException(name, "lease on '" + name + "' was released");
        }
        if (s == LOST) {
            throw new LockLostException(lost.join());
        }
        long sentAt = engine.time().nanoTime();
        Backend b = engine.backend();
        boolean held = engine.call(name, () -> b.extend(new LeaseRef(kind, key, owner, newTtl)));
        if (!held) {
            markLost(LeaseLoss.Reason.NOT_HELD, null);
            throw new LockLostException(lost.join());
        }
        ttl = newTtl;
        confirmed(sentAt, newTtl);
    }

    @Override
    public void extend() {
        extend(ttl);
    }

    @Override
    public boolean checkHeld() {
        if (state.get() != HELD) {
            return false;
        }
        Holders holders = engine.call(name, () -> engine.backend().inspect(kind, key));
        for (LockInfo grant : holders.grants()) {
            if (grant.owner().equals(owner) && grant.fencingToken() == token) {
                return true;
            }
        }
        markLost(LeaseLoss.Reason.NOT_HELD, null);
        return false;
    }

    @Override
    public void releaseOrThrow() {
        if (state.get() == RELEASED) {
            throw new LockNotHeldException(name, "lease on '" + name + "' was already released");
        }
        LeaseLoss loss = releaseReportingLoss();
        if (loss != null) {
            throw new LockLostException(loss);
        }
    }

    /**
     * Releases the grant and says whether it was lost before: the loss if the lease had been
     * reported lost or the store no longer had the grant, null if it was held to the end.
     */
    LeaseLoss releaseReportingLoss() {
        boolean wasLost = state.get() == LOST;
        boolean held = release();
        if (wasLost) {
            return lost.join();
        }
        return held ? null : new LeaseLoss(name, token, LeaseLoss.Reason.NOT_HELD, null);
    }

    @Override
    public CompletableFuture<Void> extendAsync(Duration newTtl) {
        Args.positive(newTtl, "ttl");
        return CompletableFuture.runAsync(() -> extend(newTtl), engine.executor());
    }

    @Override
    public boolean release() {
        int previous = state.getAndSet(RELEASED);
        if (previous == RELEASED) {
            return false;
        }
        stopKeeping();
        Backend b = engine.backend();
        boolean held;
        try {
            held = engine.call(name, () -> b.release(kind, key, owner));
        } catch (BackendException e) {
            if (previous == LOST) {
                return false; // already reported lost; the store frees it at expiry
            }
            throw e;
        }
        engine.releasedHere(kind, key);
        return held;
    }

    /** Forgets the grant without releasing it in the store: it ends there at its TTL. */
    void abandon() {
        if (state.compareAndSet(HELD, RELEASED)) {
            stopKeeping();
        }
    }

    @Override
    public CompletableFuture<Boolean> releaseAsync() {
        return CompletableFuture.supplyAsync(this::release, engine.executor());
    }

    @Override
    public void onLost(Consumer<LeaseLoss> listener) {
        Objects.requireNonNull(listener, "listener");
        lost.thenAcceptAsync(
                loss -> {
                    try {
                        listener.accept(loss);
                    } catch (RuntimeException e) {
                        Engine.LOG.log(System.Logger.Level.WARNING, "onLost listener of '" + name + "' threw", e);
                    }
                },
                engine::execute); // falls back to the caller's thread once an owned executor is shut down
    }

    @Override
    public CompletableFuture<LeaseLoss> whenLost() {
        // a copy, so callers cannot complete the lease's own future
        return lost.thenApply(l -> l);
    }

    @Override
    public void close() {
        if (state.get() != RELEASED) {
            release();
        }
    }

    @Override
    public String toString() {
        return "Lease{" + kind + " '" + name + "', owner=" + owner + ", token=" + token + ", state="
                + (state.get() == HELD ? "held" : state.get() == LOST ? "lost" : "released") + "}";
    }
}
