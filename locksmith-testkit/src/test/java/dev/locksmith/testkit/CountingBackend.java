package dev.locksmith.testkit;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WriteOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Counts calls per operation on the way to another backend. */
final class CountingBackend implements Backend {
    final Backend target;
    final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    volatile RuntimeException failExtendAll;

    CountingBackend(Backend target) {
        this.target = target;
    }

    long calls(String op) {
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
    synchronized void afterTryAcquire(int n, Runnable action) {
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
        AcquireResult r = target.tryAcquire(key, owner, ttl);
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
    public AcquireResult tryAcquirePermit(String key, String owner, int maxPermits, Duration ttl) {
        count("tryAcquirePermit");
        return target.tryAcquirePermit(key, owner, maxPermits, ttl);
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
    public Subscription subscribe(LeaseKind kind, String key, Runnable onRelease) {
        count("subscribe");
        return target.subscribe(kind, key, onRelease);
    }

    @Override
    public void close() {
        target.close();
    }
}
