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
import dev.locksmith.spi.GuardedStore;
import dev.locksmith.spi.OperatorActions;
import dev.locksmith.spi.ReleaseFeed;
import dev.locksmith.spi.WaitQueue;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
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
    private final Optional<ReleaseFeed> feed;
    private final Optional<WaitQueue> waitQueue;
    private final Optional<GuardedStore> guardedStore;
    private final Optional<OperatorActions> operatorActions;
    /** Acquisitions not yet completed; close() fails them. */
    private final Set<AcquireOp<?>> pending = ConcurrentHashMap.newKeySet();
    /** Store calls of acquisitions in flight; close() waits for them before closing the backend. */
    private final Object inFlightLock = new Object();

    private int inFlight;
    private volatile boolean closed;

    /** How long a call without a caller's deadline retries transient store failures. */
    static final Duration FAILURE_WINDOW = Duration.ofSeconds(2);
    /** The first delay before a failed store call is tried again; it doubles up to {@link #MAX_FAILURE_BACKOFF}. */
    static final Duration FIRST_FAILURE_BACKOFF = Duration.ofMillis(10);

    static final Duration MAX_FAILURE_BACKOFF = Duration.ofMillis(500);
    /** The most close() waits for in-flight acquire calls, so that their late grants are released. */
    private static final long CLOSE_WAIT_MILLIS = 5_000;
    /** Threads of the owned executor: store calls of async methods, renewals, listeners. */
    static final int OWNED_THREADS = 16;

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
            // bounded: waiting costs no thread (a timer and a registration), so threads only run
            // store calls, and a burst of async acquires queues instead of growing the pool. A
            // fork-join pool wakes its most recently idle worker first and starts threads only
            // when none is idle, as a cached pool does (a fixed pool would start all 16 and pass
            // each task to a cold one)
            ForkJoinPool pool = new ForkJoinPool(OWNED_THREADS, ioThreads(), null, true);
            this.ownedExecutor = pool;
            this.executor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.executor = executor;
        }
        this.capabilities = Capabilities.of(backend);
        this.feed = backend.role(ReleaseFeed.class);
        this.waitQueue = backend.role(WaitQueue.class);
        this.guardedStore = backend.role(GuardedStore.class);
        this.operatorActions = backend.role(OperatorActions.class);
        this.waiters = new Waiters(feed.orElse(null), time);
        this.keeper = new LeaseKeeper(this);
        this.processId = ProcessIds.processId();
    }

    private static ForkJoinPool.ForkJoinWorkerThreadFactory ioThreads() {
        AtomicInteger n = new AtomicInteger();
        return pool -> {
            ForkJoinWorkerThread t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
            t.setName("locksmith-io-" + n.incrementAndGet());
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
        OperatorActions ops = operatorActions();
        for (LockInfo info : call(null, () -> ops.list(keyPrefix))) {
            out.add(info.withName(nameOf(info.name())));
        }
        return out;
    }

    public List<LockInfo> forceRelease(String name) {
        String key = key(name);
        OperatorActions ops = operatorActions();
        List<LockInfo> removed = call(name, () -> ops.forceRelease(key));
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
        for (AcquireOp<?> op : List.copyOf(pending)) {
            op.failClosed();
        }
        awaitNoCallsInFlight();
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

    public Capabilities capabilities() {
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
        if (ttl.compareTo(LockOptions.MAX_TTL) > 0) {
            throw new IllegalArgumentException("ttl must be at most " + LockOptions.MAX_TTL + ", was " + ttl);
        }
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

    /**
     * Runs a store call once, turning unexpected runtime failures into {@link BackendException}
     * (not transient: a store marks what may succeed when tried again).
     */
    <T> T callOnce(String name, java.util.function.Supplier<T> storeCall) {
        try {
            return storeCall.get();
        } catch (LockException | IllegalArgumentException | IllegalStateException | UnsupportedOperationException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new BackendException(name, "backend call failed: " + e, e);
        }
    }

    /**
     * Runs a store call, retrying transient failures for up to {@link #FAILURE_WINDOW}, waiting on
     * the time source's timer between tries; the last failure is thrown when time runs out.
     */
    <T> T call(String name, java.util.function.Supplier<T> storeCall) {
        long giveUpAt = time.nanoTime() + FAILURE_WINDOW.toNanos();
        Duration backoff = FIRST_FAILURE_BACKOFF;
        while (true) {
            try {
                return callOnce(name, storeCall);
            } catch (BackendException e) {
                if (!e.isTransient() || closed) {
                    throw e;
                }
                long left = giveUpAt - time.nanoTime();
                if (left <= 0) {
                    throw e;
                }
                Duration pause = jittered(backoff);
                if (pause.toNanos() > left) {
                    pause = Duration.ofNanos(left);
                }
                LOG.log(System.Logger.Level.DEBUG, () -> "store call failed transiently, retrying: " + e.getMessage());
                pauseOnTimer(pause, e);
                backoff = nextBackoff(backoff);
            }
        }
    }

    /** Blocks the calling thread for {@code pause} on the time source's timer (a manual clock drives it). */
    private void pauseOnTimer(Duration pause, BackendException failure) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        TimeSource.Timeout t = time.schedule(pause, () -> done.complete(null));
        try {
            done.get();
        } catch (InterruptedException ie) {
            t.cancel();
            Thread.currentThread().interrupt();
            throw failure;
        } catch (ExecutionException ee) {
            throw failure;
        }
    }

    static Duration nextBackoff(Duration backoff) {
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_FAILURE_BACKOFF) > 0 ? MAX_FAILURE_BACKOFF : next;
    }

    /** Half to all of {@code d}, so that clients that failed together do not retry together. */
    static Duration jittered(Duration d) {
        long n = d.toNanos();
        return Duration.ofNanos(
                n / 2 + java.util.concurrent.ThreadLocalRandom.current().nextLong(n / 2 + 1));
    }

    /** Registers an acquisition until it completes; false if the client is closed. */
    boolean register(AcquireOp<?> op) {
        pending.add(op);
        if (closed) {
            pending.remove(op);
            return false;
        }
        return true;
    }

    void unregister(AcquireOp<?> op) {
        pending.remove(op);
    }

    /** Starts a store call of an acquisition; false if the client is closed (then nothing was started). */
    boolean enterCall() {
        synchronized (inFlightLock) {
            if (closed) {
                return false;
            }
            inFlight++;
            return true;
        }
    }

    void exitCall() {
        synchronized (inFlightLock) {
            if (--inFlight == 0) {
                inFlightLock.notifyAll();
            }
        }
    }

    /**
     * Waits (bounded) until no acquire call is in flight, so that a grant arriving after close()
     * began is released in a store that is still open, instead of being orphaned until its TTL.
     */
    private void awaitNoCallsInFlight() {
        synchronized (inFlightLock) {
            long waitedMillis = 0;
            while (inFlight > 0 && waitedMillis < CLOSE_WAIT_MILLIS) {
                try {
                    inFlightLock.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                waitedMillis += 50;
            }
        }
    }

    Optional<WaitQueue> waitQueue() {
        return waitQueue;
    }

    GuardedStore guardedStore() {
        return guardedStore.orElseThrow(
                () -> new UnsupportedOperationException("this backend does not support guarded state"));
    }

    OperatorActions operatorActions() {
        return operatorActions.orElseThrow(() ->
                new UnsupportedOperationException("this backend does not support listing or force-releasing locks"));
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

    /** Tells the store, off the caller's thread, that {@code owner} no longer waits for {@code key}. */
    void leaveQueue(LeaseKind kind, String key, String owner) {
        if (closed || waitQueue.isEmpty()) {
            return;
        }
        WaitQueue queue = waitQueue.get();
        execute(() -> {
            try {
                queue.leaveQueue(kind, key, owner);
            } catch (RuntimeException e) {
                // best effort: the store's entry expires by itself
                LOG.log(System.Logger.Level.DEBUG, "could not leave the wait queue of " + key, e);
            }
        });
    }

    /** Runs {@code r} on the executor, falling back to the calling thread if it rejects the task. */
    void execute(Runnable r) {
        try {
            executor.execute(r);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            r.run();
        }
    }
}
