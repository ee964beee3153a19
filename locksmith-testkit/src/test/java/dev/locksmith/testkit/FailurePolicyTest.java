package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.BackendException;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's one failure policy and its guards against user code and slow stores, on a manual
 * clock with store calls inline: transient failures retried within the caller's deadline and not
 * beyond it, a retry policy that throws or returns null ends the acquisition with that failure,
 * negative delays are clamped, each store call is told the time left, and no lease is handed out
 * already expired. No test sleeps.
 */
class FailurePolicyTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private ManualTimeSource time;
    private CountingBackend backend;
    private Locksmith client;

    @BeforeEach
    void setUp() {
        time = new ManualTimeSource();
        backend = new CountingBackend(EngineTimingTest.privateMemoryStore(time));
        client = Locksmith.builder()
                .backend(backend)
                .timeSource(time)
                .executor(Runnable::run)
                .build();
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    private void advanceMs(long ms) {
        for (long t = 0; t < ms; t += 5) {
            time.advance(Duration.ofMillis(5));
        }
    }

    private static BackendException transientFailure() {
        return new BackendException("k", "connection reset", null, true);
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        assertThat(f).isCompletedExceptionally();
        Throwable t = f.handle((v, e) -> e).join();
        return t instanceof CompletionException ? t.getCause() : t;
    }

    private Lease holdForAnHour(String name) {
        return client.lock(
                        name, LockOptions.builder().ttl(HOUR).autoExtend(false).build())
                .acquire(Duration.ZERO);
    }

    @Test
    void aTransientFailureIsRetriedOnTheClockWithinTheDeadline() {
        backend.failAttempts(3, FailurePolicyTest::transientFailure);
        CompletableFuture<Lease> f = client.lock("flaky").acquireAsync(Duration.ofSeconds(5));
        assertThat(f).as("waiting for the clock, not retrying in a loop").isNotDone();
        assertThat(backend.calls("tryAcquire")).isEqualTo(1);
        advanceMs(200);
        assertThat(f).isCompleted();
        assertThat(backend.calls("tryAcquire"))
                .as("three failures, then the grant")
                .isEqualTo(4);
        f.join().release();
    }

    @Test
    void transientFailuresAreNotRetriedPastTheDeadline() {
        backend.failAttempts(Integer.MAX_VALUE, FailurePolicyTest::transientFailure);
        CompletableFuture<Lease> f = client.lock("down").acquireAsync(Duration.ofMillis(300));
        advanceMs(295);
        assertThat(f).as("still retrying before the deadline").isNotDone();
        advanceMs(10);
        assertThat(failureOf(f)).isInstanceOf(BackendException.class);
        long attempts = backend.calls("tryAcquire");
        advanceMs(5_000);
        assertThat(backend.calls("tryAcquire")).as("no attempt after giving up").isEqualTo(attempts);
    }

    @Test
    void aFailureThatIsNotTransientEndsTheAcquireAtOnce() {
        backend.failAttempts(1, () -> new BackendException("k", "NOPERM", null, false));
        CompletableFuture<Lease> f = client.lock("denied").acquireAsync(Duration.ofSeconds(5));
        assertThat(failureOf(f)).isInstanceOf(BackendException.class).hasMessageContaining("NOPERM");
        assertThat(backend.calls("tryAcquire")).isEqualTo(1);
    }

    @Test
    void aSingleAttemptRetriesATransientFailureWithinTheFailureWindow() {
        backend.failAttempts(1, FailurePolicyTest::transientFailure);
        CompletableFuture<Optional<Lease>> f = client.lock("once").tryAcquireAsync();
        advanceMs(100);
        assertThat(f).isCompleted();
        assertThat(f.join()).isPresent();
        f.join().get().release();
    }

    private static final List<RetryPolicy> BROKEN_POLICIES = List.of(
            (a, e, p) -> {
                throw new IllegalStateException("policy bug");
            },
            (a, e, p) -> null);

    @Test
    void aRetryPolicyThatThrowsOrReturnsNullEndsTheAcquireWithThatFailure() {
        Lease holder = holdForAnHour("held");
        for (RetryPolicy broken : BROKEN_POLICIES) {
            LockOptions options = LockOptions.builder().retry(broken).build();
            CompletableFuture<Lease> async = client.lock("held", options).acquireAsync(Duration.ofSeconds(2));
            assertThat(failureOf(async))
                    .isInstanceOf(IllegalStateException.class)
                    .satisfiesAnyOf(e -> assertThat(e).hasMessageContaining("policy bug"), e -> assertThat(e)
                            .hasMessageContaining("returned null"));
            assertThatThrownBy(() -> client.lock("held", options).acquire(Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> client.lock("held", options).acquire()).isInstanceOf(IllegalStateException.class);
        }
        holder.release();
    }

    @Test
    void aNegativeOrZeroDelayIsClampedSoItCannotBusyLoopTheStore() {
        Lease holder = holdForAnHour("busy");
        LockOptions options = LockOptions.builder()
                .retry((a, e, p) -> Optional.of(Duration.ofMillis(-5)))
                .build();
        CompletableFuture<Lease> f = client.lock("busy", options).acquireAsync(Duration.ofMillis(100));
        assertThat(backend.calls("tryAcquire"))
                .as("before the clock moves: the holder's, the first and the look after subscribing")
                .isEqualTo(3);
        advanceMs(110);
        assertThat(failureOf(f)).isInstanceOf(LockAcquisitionTimeoutException.class);
        assertThat(backend.calls("tryAcquire"))
                .as("at most one attempt per clamped millisecond, plus the holder's and the last one")
                .isLessThanOrEqualTo(3 + 100 + 2);
        holder.release();
    }

    @Test
    void eachStoreCallIsToldTheTimeLeftBeforeTheDeadline() {
        List<Duration> timeouts = new CopyOnWriteArrayList<>();
        Backend recording = new Delegating(backend) {
            @Override
            public AcquireResult tryAcquire(AcquireRequest request) {
                timeouts.add(request.timeout());
                return super.tryAcquire(request);
            }
        };
        try (Locksmith c = Locksmith.builder()
                .backend(recording)
                .timeSource(time)
                .executor(Runnable::run)
                .build()) {
            c.lock("t").acquire(Duration.ofSeconds(3)).release();
            c.lock("t").tryAcquire().get().release();
            c.lock("t").acquire().release();
        }
        assertThat(timeouts.get(0)).isEqualTo(Duration.ofSeconds(3));
        assertThat(timeouts.get(1))
                .as("a single attempt uses the store's default")
                .isNull();
        assertThat(timeouts.get(2))
                .as("an unbounded wait uses the store's default")
                .isNull();
    }

    @Test
    void aGrantThatArrivesAlreadyExpiredIsReleasedNotHandedOut() {
        // the store takes longer than the lease to answer: the grant is dead on arrival
        Backend slow = new Delegating(backend) {
            @Override
            public AcquireResult tryAcquire(AcquireRequest request) {
                AcquireResult r = super.tryAcquire(request);
                time.advance(Duration.ofMillis(60));
                return r;
            }
        };
        try (Locksmith c = Locksmith.builder()
                .backend(slow)
                .timeSource(time)
                .executor(Runnable::run)
                .build()) {
            LockOptions options = LockOptions.builder()
                    .ttl(Duration.ofMillis(50))
                    .autoExtend(false)
                    .build();
            assertThat(c.lock("slow", options).tryAcquire()).isEmpty();
            assertThat(backend.calls("release"))
                    .as("the dead grant is released")
                    .isEqualTo(1);
        }
    }

    @Test
    void manyAsyncWaitersCostNoThreads() throws Exception {
        Lease holder;
        List<CompletableFuture<Lease>> waiters = new ArrayList<>();
        try (Locksmith real = Locksmith.connect("mem:threads-" + System.nanoTime())) {
            holder = real.lock("crowd").acquire(Duration.ZERO);
            for (int i = 0; i < 2_000; i++) {
                waiters.add(real.lock("crowd").acquireAsync(Duration.ofMinutes(1)));
            }
            // every waiter has made its first attempt once the pool's queue is drained
            CompletableFuture.runAsync(() -> {}, CompletableFuture.delayedExecutor(200, TimeUnit.MILLISECONDS))
                    .get();
            long ioThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("locksmith-io"))
                    .count();
            assertThat(ioThreads).as("the owned executor is bounded").isLessThanOrEqualTo(16);
            holder.release();
        }
        for (CompletableFuture<Lease> w : waiters) {
            assertThat(w).isDone();
        }
    }

    @Test
    void aLeaseLostToFailedRenewalsCarriesTheStoresFailure() {
        Lease lease = client.lock(
                        "renewed",
                        LockOptions.builder().ttl(Duration.ofSeconds(3)).build())
                .acquire(Duration.ZERO);
        BackendException down = new BackendException("renewed", "connection refused", null, true);
        backend.failExtendAll(down);
        advanceMs(3_500);
        assertThat(lease.whenLost()).isCompleted();
        assertThat(lease.whenLost().join().reason()).isEqualTo(dev.locksmith.LeaseLoss.Reason.EXPIRED);
        assertThat(lease.whenLost().join().cause()).as("the loss says why").isSameAs(down);
    }

    @Test
    void aWaiterLooksOnceMoreWhenItsSubscriptionComesIntoEffectNotBefore() {
        CompletableFuture<Void> inEffect = new CompletableFuture<>();
        dev.locksmith.spi.ReleaseFeed realFeed =
                backend.role(dev.locksmith.spi.ReleaseFeed.class).orElseThrow();
        dev.locksmith.spi.ReleaseFeed slowFeed = (kind, key, listener) -> {
            dev.locksmith.spi.Subscription s = realFeed.subscribe(kind, key, listener);
            return new dev.locksmith.spi.Subscription() {
                @Override
                public void close() {
                    s.close();
                }

                @Override
                public CompletableFuture<Void> ready() {
                    return inEffect;
                }
            };
        };
        Backend slowSubscribing = new Delegating(backend) {
            @Override
            public <R> Optional<R> role(Class<R> role) {
                return role == dev.locksmith.spi.ReleaseFeed.class
                        ? Optional.of(role.cast(slowFeed))
                        : super.role(role);
            }
        };
        try (Locksmith c = Locksmith.builder()
                .backend(slowSubscribing)
                .timeSource(time)
                .executor(Runnable::run)
                .build()) {
            Lease holder = holdForAnHour("sub");
            long before = backend.calls("tryAcquire");
            CompletableFuture<Lease> waiter = c.lock(
                            "sub",
                            LockOptions.builder().retry(RetryPolicy.fixed(HOUR)).build())
                    .acquireAsync(HOUR);
            assertThat(backend.calls("tryAcquire") - before)
                    .as("no look before the subscription is in effect")
                    .isEqualTo(1);
            inEffect.complete(null);
            assertThat(backend.calls("tryAcquire") - before)
                    .as("one look once it is")
                    .isEqualTo(2);
            holder.release();
            assertThat(waiter).as("woken by the release through the feed").isCompleted();
            waiter.join().release();
        }
    }

    /** A backend that forwards every call, for tests that intercept one. */
    private static class Delegating implements Backend {
        private final Backend target;

        Delegating(Backend target) {
            this.target = target;
        }

        @Override
        public Capabilities capabilities() {
            return target.capabilities();
        }

        @Override
        public AcquireResult tryAcquire(AcquireRequest request) {
            return target.tryAcquire(request);
        }

        @Override
        public boolean extend(LeaseRef lease) {
            return target.extend(lease);
        }

        @Override
        public boolean release(LeaseKind kind, String key, String owner) {
            return target.release(kind, key, owner);
        }

        @Override
        public Holders inspect(LeaseKind kind, String key) {
            return target.inspect(kind, key);
        }

        @Override
        public <R> Optional<R> role(Class<R> role) {
            return target.role(role);
        }

        @Override
        public void close() {}
    }
}
