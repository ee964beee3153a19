package dev.locksmith.testkit;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WriteOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A backend that counts calls per operation on the way to another, for tests that check how many
 * store calls a feature costs (one attempt per release, one batch per renewal period...). Pass it
 * to {@code Locksmith.builder().backend(...)}; closing it closes the target.
 *
 * <p>Operations are counted by the name of the {@link Backend} method, except that the queueing
 * and watching forms count as the plain ones ({@code tryAcquire}, {@code tryAcquirePermit}, {@code
 * inspect}): each is one attempt.
 */
public final class CountingBackend implements Backend {
    private final Backend target;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private final AtomicLong answeredAttempts = new AtomicLong();
    private volatile RuntimeException failExtendAll;

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
    public AcquireResult tryAcquire(String key, String owner, Duration ttl) {
        count("tryAcquire");
        return afterHook(target.tryAcquire(key, owner, ttl));
    }

    @Override
    public AcquireResult tryAcquireOrQueue(String key, String owner, Duration ttl) {
        count("tryAcquire");
        return afterHook(target.tryAcquireOrQueue(key, owner, ttl));
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
    public boolean extend(String key, String owner, Duration ttl) {
        count("extend");
        return target.extend(key, owner, ttl);
    }

    @Override
    public boolean release(String key, String owner) {
        count("release");
        return target.release(key, owner);
    }

    @Override
    public Optional<LockInfo> inspect(String key) {
        count("inspect");
        return target.inspect(key);
    }

    @Override
    public Optional<LockInfo> inspectOrWatch(String key) {
        count("inspect");
        return target.inspectOrWatch(key);
    }

    @Override
    public AcquireResult tryAcquirePermit(String key, String owner, int maxPermits, Duration ttl) {
        count("tryAcquirePermit");
        return target.tryAcquirePermit(key, owner, maxPermits, ttl);
    }

    @Override
    public AcquireResult tryAcquirePermitOrQueue(String key, String owner, int maxPermits, Duration ttl) {
        count("tryAcquirePermit");
        return target.tryAcquirePermitOrQueue(key, owner, maxPermits, ttl);
    }

    @Override
    public boolean extendPermit(String key, String owner, Duration ttl) {
        count("extendPermit");
        return target.extendPermit(key, owner, ttl);
    }

    @Override
    public boolean releasePermit(String key, String owner) {
        count("releasePermit");
        return target.releasePermit(key, owner);
    }

    @Override
    public Optional<SemaphoreInfo> inspectSemaphore(String key) {
        count("inspectSemaphore");
        return target.inspectSemaphore(key);
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
    public List<LockInfo> list(String keyPrefix) {
        count("list");
        return target.list(keyPrefix);
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        count("forceRelease");
        return target.forceRelease(key);
    }

    @Override
    public Optional<StoredState> readState(String key) {
        count("readState");
        return target.readState(key);
    }

    @Override
    public WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
        count("writeState");
        return target.writeState(key, owner, fencingToken, value, valueTtl);
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        count("subscribe");
        return target.subscribe(kind, key, listener);
    }

    @Override
    public void leaveQueue(LeaseKind kind, String key, String owner) {
        count("leaveQueue");
        target.leaveQueue(kind, key, owner);
    }

    @Override
    public void close() {
        target.close();
    }
}
