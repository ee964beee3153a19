package dev.locksmith.internal;

import dev.locksmith.BackendException;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockInterruptedException;
import dev.locksmith.RetryPolicy;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.AcquireResult;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One acquisition: attempts driven by the retry policy and a deadline, and between attempts a
 * wait that ends at a release notification, the holder's remaining lease or the retry delay,
 * whichever comes first. No thread is parked while an async acquisition waits: the wait is a
 * timer plus a registration with {@link Waiters}.
 *
 * @param <R> what a successful attempt turns into (a lease, or a value for await-free)
 */
final class AcquireOp<R> implements Waiters.Waiter {

    /** Turns a successful attempt into the result; {@code sentAt} is when its request was sent. */
    interface OnSuccess<R> {
        R apply(AcquireResult result, long sentAt);
    }

    /** One attempt against the store. */
    interface Attempt {
        /**
         * @param queue whether a failed attempt should leave the owner in the store's wait queue
         *     (false for single attempts and the last one at the deadline)
         * @param timeout the longest the store call may take (the time left before the deadline),
         *     or {@code null} for the store's default
         */
        AcquireResult run(boolean queue, Duration timeout);
    }

    /** The shortest time a store call is given, even at the deadline (the last attempt happens there). */
    static final Duration MIN_CALL_TIMEOUT = Duration.ofMillis(100);
    /** The shortest delay a retry policy can ask for: a negative or zero one would busy-loop the store. */
    static final Duration MIN_RETRY_DELAY = Duration.ofMillis(1);

    /** Undoes a result nobody will receive (the caller gave up meanwhile). */
    interface Undo<R> {
        void undo(R result);
    }

    private final Engine engine;
    private final LeaseKind kind;
    private final String name;
    private final String key;
    private final String owner;
    private final RetryPolicy retry;
    private final Attempt attempt;
    private final OnSuccess<R> onSuccess;
    private final Undo<R> undo;
    private final boolean single;
    private final long start;
    private final long deadline;
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private final AtomicBoolean waiting = new AtomicBoolean();

    private int attempts;
    private Duration previousDelay = Duration.ZERO;
    private String lastHolder;
    /** Whether an attempt may have left the owner in the store's wait queue. */
    private volatile boolean queued;

    private volatile TimeSource.Timeout timeout;
    /** While store calls fail transiently: when to give up (0 when the last call answered). */
    private long failureGiveUpAt;

    private Duration failureBackoff = Engine.FIRST_FAILURE_BACKOFF;

    /**
     * @param owner who acquires, or {@code null} for an operation that only waits for the key to be
     *     free (it is woken by every release instead of taking a turn)
     * @param maxWait how long to keep trying, or {@code null} for as long as the policy allows
     * @param single one attempt only: a held result completes with {@code null}
     */
    AcquireOp(
            Engine engine,
            LeaseKind kind,
            String name,
            String key,
            String owner,
            RetryPolicy retry,
            Duration maxWait,
            boolean single,
            Attempt attempt,
            OnSuccess<R> onSuccess,
            Undo<R> undo) {
        this.engine = engine;
        this.kind = kind;
        this.name = name;
        this.key = key;
        this.owner = owner;
        this.retry = retry;
        this.single = single;
        this.attempt = attempt;
        this.onSuccess = onSuccess;
        this.undo = undo;
        this.start = engine.time().nanoTime();
        long wait = maxWait == null ? Long.MAX_VALUE : Durations.toNanosSaturated(maxWait);
        this.deadline = wait > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + wait;
        // a caller that cancels the future gives up: stop waiting, and undo a late grant; a store
        // that queued this owner forgets it, so that no release names a waiter that is gone
        result.whenComplete((r, e) -> {
            engine.unregister(this);
            if (e != null) {
                stopWaiting();
                if (queued && owner != null) {
                    engine.leaveQueue(kind, key, owner);
                }
            }
        });
    }

    CompletableFuture<R> future() {
        return result;
    }

    /** The client is closing: this acquisition fails, and a grant still in flight is undone. */
    void failClosed() {
        result.completeExceptionally(closedException());
    }

    private static IllegalStateException closedException() {
        return new IllegalStateException("this Locksmith client is closed");
    }

    /** Starts on the calling thread (the cheap uncontended path makes no thread hop). */
    AcquireOp<R> startInline() {
        if (engine.register(this)) {
            runAttempt();
        } else {
            failClosed();
        }
        return this;
    }

    /** Starts on the engine's executor. */
    AcquireOp<R> startAsync() {
        if (engine.register(this)) {
            engine.execute(this::runAttempt);
        } else {
            failClosed();
        }
        return this;
    }

    /** Blocks until done, for the sync API; an interrupt gives up without leaving a grant behind. */
    R await() {
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(false);
            Thread.currentThread().interrupt();
            throw new LockInterruptedException(name, e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException) {
                throw (RuntimeException) c;
            }
            if (c instanceof Error) {
                throw (Error) c;
            }
            throw new IllegalStateException(c);
        }
    }

    /** One attempt and what follows it; whatever goes wrong, even in user code, ends the acquisition. */
    private void runAttempt() {
        try {
            attemptAndWait();
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        }
    }

    private void attemptAndWait() {
        long epoch = engine.waiters().epoch(kind, key);
        AcquireResult r = attemptOnce(!single && engine.time().nanoTime() - deadline < 0);
        if (r == null) {
            return;
        }
        attempts++;
        lastHolder = r.holder();
        if (single) {
            result.complete(null);
            return;
        }
        long now = engine.time().nanoTime();
        Optional<Duration> next = now - deadline >= 0 ? Optional.empty() : nextDelay(now);
        if (next.isEmpty()) {
            result.completeExceptionally(
                    new LockAcquisitionTimeoutException(name, Duration.ofNanos(now - start), attempts, lastHolder));
            return;
        }
        Duration delay = next.get();
        previousDelay = delay;
        long waitNanos = Math.min(Durations.toNanosSaturated(delay), deadline - now);
        if (r.ttl() != null) {
            // the store frees an unextended grant at its expiry: look again just after it
            long untilExpiry = Durations.toNanosSaturated(r.ttl()) + 1_000_000L;
            waitNanos = Math.min(waitNanos, Math.max(untilExpiry, 0));
        }
        armWait(now + Math.max(waitNanos, 0), epoch);
    }

    /**
     * Asks the retry policy, which is user code: a policy that throws ends the acquisition with
     * its exception, one that returns null with a clear error, and its delays are clamped to at
     * least {@link #MIN_RETRY_DELAY} so that a negative one cannot busy-loop the store.
     */
    private Optional<Duration> nextDelay(long now) {
        Optional<Duration> next = retry.nextDelay(attempts, Duration.ofNanos(now - start), previousDelay);
        if (next == null) {
            throw new IllegalStateException(
                    "the retry policy returned null; it must return a delay or Optional.empty()");
        }
        return next.map(d -> d.compareTo(MIN_RETRY_DELAY) < 0 ? MIN_RETRY_DELAY : d);
    }

    /** A marker: the attempt failed transiently and another was scheduled. */
    private static final AcquireResult RETRYING = AcquireResult.held(null, null);

    /**
     * One attempt against the store. Returns the held result, or null when the operation has
     * completed (acquired, failed, or given up by the caller) or a retry after a transient store
     * failure was scheduled.
     */
    private AcquireResult attemptOnce(boolean queue) {
        if (result.isDone()) {
            return null;
        }
        if (!engine.enterCall()) {
            failClosed();
            return null;
        }
        try {
            AcquireResult r = callStore(queue);
            if (r == RETRYING) {
                return null;
            }
            return r;
        } finally {
            engine.exitCall();
        }
    }

    private AcquireResult callStore(boolean queue) {
        long sentAt = engine.time().nanoTime();
        Duration callTimeout = null;
        if (!single && deadline != Long.MAX_VALUE) {
            long left = Math.max(deadline - sentAt, 0);
            callTimeout = left < MIN_CALL_TIMEOUT.toNanos() ? MIN_CALL_TIMEOUT : Duration.ofNanos(left);
        }
        Duration t = callTimeout;
        AcquireResult r;
        try {
            r = engine.callOnce(name, () -> attempt.run(queue, t));
        } catch (BackendException e) {
            if (e.isTransient() && scheduleRetryAfterFailure(e)) {
                return RETRYING;
            }
            result.completeExceptionally(e);
            return null;
        }
        failureGiveUpAt = 0;
        failureBackoff = Engine.FIRST_FAILURE_BACKOFF;
        if (!r.isAcquired()) {
            queued |= queue;
            return r;
        }
        R value = onSuccess.apply(r, sentAt);
        if (owner != null && value instanceof LeaseImpl lease && !lease.isValid()) {
            // the grant's local deadline passed before it arrived (a slow store, or a lease shorter
            // than a round trip): never hand out a lease that is already invalid
            if (undo != null) {
                undo.undo(value);
            }
            return AcquireResult.held(null, null);
        }
        if (!result.complete(value) && undo != null) {
            undo.undo(value); // the caller gave up, or the client closed, while the grant was in flight
        }
        return null;
    }

    /**
     * After a transient store failure, schedules another attempt after a backoff on the time
     * source, within the caller's deadline (or, for a single attempt or an unbounded wait, within
     * {@link Engine#FAILURE_WINDOW} of the first failure); false when time is up.
     */
    private boolean scheduleRetryAfterFailure(BackendException e) {
        long now = engine.time().nanoTime();
        if (failureGiveUpAt == 0) {
            failureGiveUpAt = single || deadline == Long.MAX_VALUE ? now + Engine.FAILURE_WINDOW.toNanos() : deadline;
        }
        long left = failureGiveUpAt - now;
        if (left <= 0 || engine.isClosed()) {
            return false;
        }
        long pause = Math.min(Engine.jittered(failureBackoff).toNanos(), left);
        failureBackoff = Engine.nextBackoff(failureBackoff);
        Engine.LOG.log(
                System.Logger.Level.DEBUG,
                () -> "acquire of '" + name + "' failed transiently, retrying: " + e.getMessage());
        TimeSource.Timeout t = engine.time().schedule(Duration.ofNanos(pause), () -> engine.execute(this::runAttempt));
        result.whenComplete((v, x) -> t.cancel());
        return true;
    }

    /**
     * Sleeps until {@code wakeAt}, a release notification or cancellation.
     *
     * @param epoch the key's release counter read before the failed attempt
     */
    private void armWait(long wakeAt, long epoch) {
        waiting.set(true);
        CompletableFuture<Void> subscribing = engine.waiters().add(kind, key, this);
        boolean releasedMeanwhile = engine.waiters().epoch(kind, key) != epoch;
        boolean justSubscribed = subscribing != null && subscribing.isDone();
        if ((justSubscribed || releasedMeanwhile) && waiting.compareAndSet(true, false)) {
            // A release during the failed attempt, or before a new subscription existed, would go
            // unheard: look once more now. This look is not a policy attempt and keeps the wait.
            engine.execute(() -> recheck(wakeAt));
            return;
        }
        long now = engine.time().nanoTime();
        TimeSource.Timeout t = engine.time().schedule(Duration.ofNanos(Math.max(wakeAt - now, 0)), this::wake);
        timeout = t;
        if (!waiting.get()) {
            t.cancel(); // woken before the timer was set
        }
        if (subscribing != null && !subscribing.isDone()) {
            // the store's subscription is not in effect yet: look once more when it is, since a
            // release published before then is never heard (nobody blocks waiting for it)
            subscribing.thenRun(() -> {
                if (waiting.compareAndSet(true, false)) {
                    TimeSource.Timeout pending = timeout;
                    if (pending != null) {
                        pending.cancel();
                    }
                    engine.execute(() -> recheck(wakeAt));
                }
            });
        }
        if (result.isDone()) {
            stopWaiting();
        }
    }

    private void recheck(long wakeAt) {
        try {
            long epoch = engine.waiters().epoch(kind, key);
            AcquireResult r = attemptOnce(true);
            if (r == null) {
                engine.waiters().remove(kind, key, this);
                return;
            }
            lastHolder = r.holder();
            armWait(wakeAt, epoch);
        } catch (RuntimeException | Error e) {
            result.completeExceptionally(e);
        }
    }

    @Override
    public String owner() {
        return owner;
    }

    @Override
    public boolean wake() {
        if (!waiting.compareAndSet(true, false)) {
            return false;
        }
        TimeSource.Timeout t = timeout;
        if (t != null) {
            t.cancel();
        }
        engine.waiters().remove(kind, key, this);
        engine.execute(this::runAttempt);
        return true;
    }

    private void stopWaiting() {
        if (waiting.compareAndSet(true, false)) {
            TimeSource.Timeout t = timeout;
            if (t != null) {
                t.cancel();
            }
            engine.waiters().remove(kind, key, this);
        }
    }
}
