package dev.locksmith.testkit;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A backend that counts calls per operation on the way to another, for tests that check how many
 * store calls a feature costs (one attempt per release, one batch per renewal period...). Pass it
 * to {@code Locksmith.builder().backend(...)}; closing it closes the target.
 *
 * <p>Operations are counted by name: {@code tryAcquire}, {@code extend}, {@code release}, {@code
 * inspect} for locks (a queueing attempt and {@code inspectOrWatch} count as the plain ones), {@code
 * tryAcquirePermit}, {@code extendPermit}, {@code releasePermit}, {@code inspectSemaphore} for
 * permits, and the role methods by their names ({@code subscribe}, {@code leaveQueue}, {@code
 * readState}, {@code writeState}, {@code list}, {@code forceRelease}, {@code extendAll}). It plays
 * exactly the roles its target plays.
 */
public final class CountingBackend implements Backend {
    private final Backend target;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final AtomicLong answeredAttempts = new AtomicLong();
    private volatile RuntimeException failExtendAll;
    private int failAttempts;
    private Supplier<? extends RuntimeException> attemptFailure;

    /** Counts calls on the way to {@code target}. */
    public CountingBackend(Backend target) {
        this.target = target;
    }

    /** The backend calls go to. */
    public Backend target() {
        return target;
    }

    /** Makes every later {@code extendAll} throw {@code failure} (or succeed again, with null). */
    public void failExtendAll(RuntimeException failure) {
        this.failExtendAll = failure;
    }

    /**
     * Makes the next {@code times} acquisition attempts (locks or permits) throw what {@code
     * failure} makes instead of reaching the store, for tests of the engine's failure policy.
     */
    public synchronized void failAttempts(int times, Supplier<? extends RuntimeException> failure) {
        this.failAttempts = times;
        this.attemptFailure = failure;
    }

    private synchronized RuntimeException takeAttemptFailure() {
        if (failAttempts <= 0) {
            return null;
        }
        failAttempts--;
        return attemptFailure.get();
    }

    /** Every operation called so far, with its count. */
    public Map<String, Long> calls() {
        Map<String, Long> out = new java.util.TreeMap<>();
        calls.forEach((op, n) -> out.put(op, n.get()));
        return out;
    }

    /** How many times {@code op} was called so far. */
    public long calls(String op) {
        AtomicLong n = calls.get(op);
        return n == null ? 0 : n.get();
    }

    private void count(String op) {
        calls.computeIfAbsent(op, k -> new AtomicLong()).incrementAndGet();
    }

    @Override
    public Capabilities capabilities() {
        return target.capabilities();
    }

    private Runnable hook;
    private int hookAfterCalls;

    /** Runs {@code action} once, right after the store answered the n-th tryAcquire from now, before its caller sees the answer. */
    public synchronized void afterTryAcquire(int n, Runnable action) {
        hookAfterCalls = n;
        hook = action;
    }

    private synchronized Runnable takeHook() {
        if (hook == null || --hookAfterCalls > 0) {
            return null;
        }
        Runnable h = hook;
        hook = null;
        return h;
    }

    @Override
    public AcquireResult tryAcquire(AcquireRequest request) {
        count(request.isLock() ? "tryAcquire" : "tryAcquirePermit");
        RuntimeException fail = takeAttemptFailure();
        if (fail != null) {
            throw fail;
        }
        AcquireResult r = target.tryAcquire(request);
        return request.isLock() ? afterHook(r) : r;
    }

    /**
     * How many lock attempts ({@code tryAcquire} in either form) the store has answered so far; a
     * caller that sees it reach a count knows those answers are on their way back, not still in
     * the store.
     */
    public long answeredAttempts() {
        return answeredAttempts.get();
    }

    private AcquireResult afterHook(AcquireResult r) {
        answeredAttempts.incrementAndGet();
        Runnable h = takeHook();
        if (h != null) {
            h.run();
        }
        return r;
    }

    @Override
    public boolean extend(LeaseRef lease) {
        count(lease.kind() == LeaseKind.LOCK ? "extend" : "extendPermit");
        return target.extend(lease);
    }

    @Override
    public boolean release(LeaseKind kind, String key, String owner) {
        count(kind == LeaseKind.LOCK ? "release" : "releasePermit");
        return target.release(kind, key, owner);
    }

    @Override
    public Holders inspect(LeaseKind kind, String key) {
        count(kind == LeaseKind.LOCK ? "inspect" : "inspectSemaphore");
        return target.inspect(kind, key);
    }

    @Override
    public boolean[] extendAll(List<LeaseRef> leases) {
        count("extendAll");
        RuntimeException fail = failExtendAll;
        if (fail != null) {
            throw fail;
        }
        return target.extendAll(leases);
    }

    @Override
    public <R> Optional<R> role(Class<R> role) {
        if (target.role(role).isEmpty()) {
            return Optional.empty();
        }
        Object counted;
        if (role == ReleaseFeed.class) {
            counted = new CountingFeed(target.role(ReleaseFeed.class).get());
        } else if (role == WaitQueue.class) {
            counted = new CountingQueue(target.role(WaitQueue.class).get());
        } else if (role == GuardedStore.class) {
            counted = new CountingState(target.role(GuardedStore.class).get());
        } else if (role == OperatorActions.class) {
            counted = new CountingOperator(target.role(OperatorActions.class).get());
        } else {
            return target.role(role);
        }
        return Optional.of(role.cast(counted));
    }

    private final class CountingFeed implements ReleaseFeed {
        private final ReleaseFeed feed;

        CountingFeed(ReleaseFeed feed) {
            this.feed = feed;
        }

        @Override
        public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
            count("subscribe");
            return feed.subscribe(kind, key, listener);
        }

        @Override
        public boolean reportsExpiry() {
            return feed.reportsExpiry();
        }
    }

    private final class CountingQueue implements WaitQueue {
        private final WaitQueue queue;

        CountingQueue(WaitQueue queue) {
            this.queue = queue;
        }

        @Override
        public void leaveQueue(LeaseKind kind, String key, String owner) {
            count("leaveQueue");
            queue.leaveQueue(kind, key, owner);
        }

        @Override
        public Holders inspectOrWatch(String key) {
            count("inspect");
            return queue.inspectOrWatch(key);
        }
    }

    private final class CountingState implements GuardedStore {
        private final GuardedStore store;

        CountingState(GuardedStore store) {
            this.store = store;
        }

        @Override
        public Optional<StoredState> readState(String key) {
            count("readState");
            return store.readState(key);
        }

        @Override
        public WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
            count("writeState");
            return store.writeState(key, owner, fencingToken, value, valueTtl);
        }
    }

    private final class CountingOperator implements OperatorActions {
        private final OperatorActions ops;

        CountingOperator(OperatorActions ops) {
            this.ops = ops;
        }

        @Override
        public List<LockInfo> list(String keyPrefix) {
            count("list");
            return ops.list(keyPrefix);
        }

        @Override
        public List<LockInfo> forceRelease(String key) {
            count("forceRelease");
            return ops.forceRelease(key);
        }
    }

    @Override
    public void close() {
        target.close();
    }
}
