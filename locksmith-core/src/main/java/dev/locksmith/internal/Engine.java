package dev.locksmith.internal;

import dev.locksmith.BackendException;
import dev.locksmith.Codec;
import dev.locksmith.DistributedLock;
import dev.locksmith.DistributedSemaphore;
import dev.locksmith.GuardedState;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockException;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import dev.locksmith.StateOptions;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's engine: builds locks, semaphores and guarded state on a {@link Backend}, and owns
 * the shared machinery (waiter registry, lease keeper, executor). Not API.
 */
public final class Engine {
    static final System.Logger LOG = System.getLogger("dev.locksmith");

    private final Backend backend;
    private final boolean ownsBackend;
    private final String namespace;
    private final String keyPrefix;
    private final LockOptions defaultOptions;
    private final TimeSource time;
    private final Executor executor;
    private final ExecutorService ownedExecutor;
    private final Capabilities capabilities;
    private final Waiters waiters;
    private final LeaseKeeper keeper;
    private final String processId;
    private final AtomicLong ownerSequence = new AtomicLong();
    private volatile boolean closed;

    public Engine(
            Backend backend,
            boolean ownsBackend,
            String namespace,
            LockOptions defaultOptions,
            TimeSource time,
            Executor executor) {
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.namespace = namespace;
        this.keyPrefix = namespace + "/";
        this.defaultOptions = defaultOptions;
        this.time = time;
        if (executor == null) {
            this.ownedExecutor = Executors.newCachedThreadPool(daemonThreads("locksmith-io"));
            this.executor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.executor = executor;
        }
        this.capabilities = backend.capabilities();
        this.waiters = new Waiters(backend, time);
        this.keeper = new LeaseKeeper(this);
        this.processId = ProcessIds.processId();
    }

    private static ThreadFactory daemonThreads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public DistributedLock lock(String name, LockOptions options) {
        checkTtl(options.ttl());
        return new LockHandle(this, name, options);
    }

    public DistributedSemaphore semaphore(String name, int permits, LockOptions options) {
        checkTtl(options.ttl());
        requireCapability(capabilities.semaphores(), "semaphores");
        return new SemaphoreHandle(this, name, permits, options);
    }

    public <T> GuardedState<T> state(String name, Codec<T> codec, T initialValue, StateOptions options) {
        checkTtl(options.lockOptions().ttl());
        requireCapability(capabilities.guardedState(), "guarded state");
        return new GuardedStateImpl<>(this, name, codec, initialValue, options);
    }

    public List<LockInfo> list() {
        checkOpen();
        List<LockInfo> out = new ArrayList<>();
        for (LockInfo info : call(null, () -> backend.list(keyPrefix))) {
            out.add(info.withName(nameOf(info.name())));
        }
        return out;
    }

    public List<LockInfo> forceRelease(String name) {
        String key = key(name);
        List<LockInfo> removed = call(name, () -> backend.forceRelease(key));
        List<LockInfo> out = new ArrayList<>(removed.size());
        for (LockInfo info : removed) {
            out.add(info.withName(name));
        }
        if (!removed.isEmpty()) {
            releasedHere(LeaseKind.LOCK, key);
            releasedHere(LeaseKind.PERMIT, key);
        }
        return out;
    }

    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        keeper.close();
        waiters.close();
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
        }
        if (ownsBackend) {
            backend.close();
        }
    }

    public void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this Locksmith client is closed");
        }
    }

    public String namespace() {
        return namespace;
    }

    public Backend backend() {
        return backend;
    }

    public LockOptions defaultOptions() {
        return defaultOptions;
    }

    String key(String name) {
        return keyPrefix + name;
    }

    String nameOf(String key) {
        return key.startsWith(keyPrefix) ? key.substring(keyPrefix.length()) : key;
    }

    /** A fresh owner id, unique across processes and hosts: process id plus a sequence number. */
    String newOwner() {
        return processId + ":" + ownerSequence.incrementAndGet();
    }

    TimeSource time() {
        return time;
    }

    Executor executor() {
        return executor;
    }

    Capabilities capabilities() {
        return capabilities;
    }

    Waiters waiters() {
        return waiters;
    }

    LeaseKeeper keeper() {
        return keeper;
    }

    boolean isClosed() {
        return closed;
    }

    void checkTtl(Duration ttl) {
        checkOpen();
        if (ttl.compareTo(capabilities.minTtl()) < 0) {
            throw new IllegalArgumentException(
                    "ttl must be at least " + capabilities.minTtl() + " on this backend, was " + ttl);
        }
    }

    private static void requireCapability(boolean supported, String what) {
        if (!supported) {
            throw new UnsupportedOperationException("this backend does not support " + what);
        }
    }

    /** Runs a store call, turning unexpected runtime failures into {@link BackendException}. */
    <T> T call(String name, java.util.function.Supplier<T> storeCall) {
        try {
            return storeCall.get();
        } catch (LockException | IllegalArgumentException | IllegalStateException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BackendException(name, "backend call failed: " + e, e);
        }
    }

    /**
     * This client released a grant of {@code key}: on a store that does not notify, wake a local
     * waiter directly (a store that notifies wakes it through the subscription).
     */
    void releasedHere(LeaseKind kind, String key) {
        if (!capabilities.releaseNotifications()) {
            waiters.localRelease(kind, key);
        }
    }

    /** Runs {@code r} on the executor, falling back to the calling thread if it rejects the task. */
    /** Tells the store, off the caller's thread, that {@code owner} no longer waits for {@code key}. */
    void leaveQueue(LeaseKind kind, String key, String owner) {
        if (closed) {
            return;
        }
        execute(() -> {
            try {
                backend.leaveQueue(kind, key, owner);
            } catch (RuntimeException e) {
                // best effort: the store's entry expires by itself
                LOG.log(System.Logger.Level.DEBUG, "could not leave the wait queue of " + key, e);
            }
        });
    }

    void execute(Runnable r) {
        try {
            executor.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            r.run();
        }
    }
}
