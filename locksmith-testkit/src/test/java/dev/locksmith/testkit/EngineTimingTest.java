package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.BackendException;
import dev.locksmith.Lease;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's timing on a manual clock, with store calls run inline: the exact attempts and
 * delays of every retry policy, expiry, loss detection and batched renewal. No test sleeps.
 */
class EngineTimingTest {
    private static final Duration HOUR = Duration.ofHours(1);

    private ManualTimeSource time;
    private CountingBackend backend;
    private Locksmith client;

    @BeforeEach
    void setUp() {
        time = new ManualTimeSource();
        backend = new CountingBackend(privateMemoryStore(time));
        client = Locksmith.builder()
                .backend(backend)
                .timeSource(time)
                .executor(Runnable::run)
                .build();
    }

    /** A private in-memory store on the manual clock, opened through the public SPI. */
    static Backend privateMemoryStore(ManualTimeSource time) {
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
            if (p.schemes().contains("mem")) {
                return p.open(URI.create("mem:/"), new BackendContext(time, Duration.ofSeconds(1)));
            }
        }
        throw new AssertionError("no mem: provider");
    }

    @AfterEach
    void tearDown() {
        client.close();
    }

    /** One call of the retry policy: after which failed attempt, and when (ms on the manual clock). */
    private record Call(int attempt, long elapsedMs, long previousDelayMs, long atMs) {}

    private final List<Call> calls = new ArrayList<>();
    private long startNanos;

    private RetryPolicy recording(RetryPolicy policy) {
        return (attempt, elapsed, previous) -> {
            calls.add(new Call(
                    attempt, elapsed.toMillis(), previous.toMillis(), (time.nanoTime() - startNanos) / 1_000_000));
            return policy.nextDelay(attempt, elapsed, previous);
        };
    }

    /** Holds "r" for an hour, then starts a waiter with {@code policy} and returns its future. */
    private CompletableFuture<Lease> waiter(RetryPolicy policy, Duration maxWait) {
        client.lock("r", LockOptions.builder().ttl(HOUR).autoExtend(false).build())
                .acquire(Duration.ZERO);
        startNanos = time.nanoTime();
        return client.lock("r", LockOptions.builder().retry(recording(policy)).build())
                .acquireAsync(maxWait);
    }

    private void advanceMs(long ms, long stepMs) {
        for (long t = 0; t < ms; t += stepMs) {
            time.advance(Duration.ofMillis(stepMs));
        }
    }

    private static LockAcquisitionTimeoutException timeoutOf(CompletableFuture<Lease> f) {
        assertThat(f).isCompletedExceptionally();
        try {
            f.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(LockAcquisitionTimeoutException.class);
            return (LockAcquisitionTimeoutException) e.getCause();
        }
    }

    @Test
    void noRetryMakesOneAttempt() {
        CompletableFuture<Lease> f = waiter(RetryPolicy.none(), HOUR);
        assertThat(calls).containsExactly(new Call(1, 0, 0, 0));
        assertThat(timeoutOf(f).attempts()).isEqualTo(1);
    }

    @Test
    void fixedDelayWithCountMakesCountPlusOneAttemptsEvenlySpaced() {
        CompletableFuture<Lease> f = waiter(RetryPolicy.fixed(Duration.ofMillis(100), 3), HOUR);
        advanceMs(1000, 10);
        assertThat(calls)
                .containsExactly(
                        new Call(1, 0, 0, 0),
                        new Call(2, 100, 100, 100),
                        new Call(3, 200, 100, 200),
                        new Call(4, 300, 100, 300));
        assertThat(timeoutOf(f).attempts()).isEqualTo(4);
    }

    @Test
    void exponentialWithoutJitterDoublesUpToTheMaximum() {
        CompletableFuture<Lease> f =
                waiter(RetryPolicy.exponential(Duration.ofMillis(10), Duration.ofMillis(80), 0), HOUR);
        advanceMs(231, 1);
        assertThat(calls).extracting(Call::atMs).containsExactly(0L, 10L, 30L, 70L, 150L, 230L);
        assertThat(calls).extracting(Call::previousDelayMs).containsExactly(0L, 10L, 20L, 40L, 80L, 80L);
        assertThat(f).isNotDone();
    }

    @Test
    void exponentialWithJitterWaitsWithinItsBounds() {
        CompletableFuture<Lease> f =
                waiter(RetryPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(400), 0.5), HOUR);
        advanceMs(5000, 1);
        assertThat(calls.size()).isGreaterThan(10);
        for (int i = 1; i < calls.size(); i++) {
            long waited = calls.get(i).atMs() - calls.get(i - 1).atMs();
            long base = Math.min(400, 100L << Math.min(i - 1, 10));
            assertThat(waited).as("wait before attempt %d", i + 1).isBetween(base / 2, base);
            // the manual clock moves in whole milliseconds, the delay has nanosecond precision
            assertThat(calls.get(i).previousDelayMs()).isBetween(waited - 1, waited);
        }
        assertThat(f).isNotDone();
    }

    @Test
    void totalTimeCapEndsWithAnAttemptAtTheCap() {
        CompletableFuture<Lease> f =
                waiter(RetryPolicy.fixed(Duration.ofMillis(100)).withMaxDuration(Duration.ofMillis(250)), HOUR);
        advanceMs(1000, 10);
        assertThat(calls).extracting(Call::atMs).containsExactly(0L, 100L, 200L, 250L);
        assertThat(timeoutOf(f).attempts()).isEqualTo(4);
    }

    @Test
    void maxWaitEndsWithAnAttemptAtTheDeadline() {
        CompletableFuture<Lease> f = waiter(RetryPolicy.fixed(Duration.ofMillis(100)), Duration.ofMillis(250));
        advanceMs(1000, 10);
        assertThat(calls).extracting(Call::atMs).containsExactly(0L, 100L, 200L);
        LockAcquisitionTimeoutException e = timeoutOf(f);
        assertThat(e.attempts()).as("attempts at 0, 100, 200 and the deadline").isEqualTo(4);
        assertThat(e.waited()).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void customFunctionThatStopsEndsTheAcquisition() {
        RetryPolicy custom = (attempt, elapsed, previous) ->
                attempt < 3 ? Optional.of(Duration.ofMillis(attempt * 50L)) : Optional.empty();
        CompletableFuture<Lease> f = waiter(custom, HOUR);
        advanceMs(1000, 10);
        assertThat(calls).containsExactly(new Call(1, 0, 0, 0), new Call(2, 50, 50, 50), new Call(3, 150, 100, 150));
        assertThat(timeoutOf(f).attempts()).isEqualTo(3);
    }

    @Test
    void waiterLooksAgainWhenTheHoldersLeaseRunsOutNotAfterItsDelay() {
        Lease holder = client.lock(
                        "short",
                        LockOptions.builder()
                                .ttl(Duration.ofMillis(300))
                                .autoExtend(false)
                                .build())
                .acquire(Duration.ZERO);
        CompletableFuture<Lease> f = client.lock(
                        "short",
                        LockOptions.builder().retry(RetryPolicy.fixed(HOUR)).build())
                .acquireAsync(HOUR);
        time.advance(Duration.ofMillis(299));
        assertThat(f).isNotDone();
        time.advance(Duration.ofMillis(2));
        assertThat(f).isCompleted();
        assertThat(f.join().fencingToken()).isGreaterThan(holder.fencingToken());
    }

    @Test
    void holderHearsOfExpiryBeforeTheStoreFreesTheLock() {
        Lease lease = client.lock(
                        "x",
                        LockOptions.builder()
                                .ttl(Duration.ofSeconds(10))
                                .autoExtend(false)
                                .build())
                .acquire(Duration.ZERO);
        AtomicInteger lost = new AtomicInteger();
        lease.onLost(l -> lost.incrementAndGet());
        time.advance(Duration.ofMillis(9_800));
        assertThat(lease.isValid()).isTrue();
        assertThat(lease.remaining()).isPositive();
        time.advance(Duration.ofMillis(100));
        assertThat(lease.isValid()).isFalse();
        assertThat(lease.whenLost().join().reason()).isEqualTo(LeaseLoss.Reason.EXPIRED);
        assertThat(lost.get()).isEqualTo(1);
        assertThat(client.lock("x").inspect())
                .as("the store still holds it: the holder heard first")
                .isPresent();
        time.advance(Duration.ofMillis(101));
        assertThat(client.lock("x").inspect()).isEmpty();
    }

    @Test
    void autoExtensionKeepsALeaseForTenTtlsInBatchesAndStopsAtRelease() {
        Lease lease = client.lock(
                        "kept", LockOptions.builder().ttl(Duration.ofSeconds(3)).build())
                .acquire(Duration.ZERO);
        for (int step = 0; step < 100; step++) {
            time.advance(Duration.ofMillis(300));
            assertThat(lease.isValid()).as("valid at step %d", step).isTrue();
        }
        assertThat(backend.calls("extendAll")).isBetween(9L, 40L);
        assertThat(backend.calls("extend")).as("single extends").isZero();
        assertThat(lease.release()).isTrue();
        long renewals = backend.calls("extendAll");
        time.advance(Duration.ofSeconds(30));
        assertThat(backend.calls("extendAll")).as("renewals after release").isEqualTo(renewals);
        assertThat(time.pendingTasks()).isZero();
    }

    @Test
    void manyLeasesCostAtMostOneStoreCallPerHundredLeasesPerRenewalPeriod() {
        int leases = 1200;
        List<Lease> held = new ArrayList<>();
        LockOptions options = LockOptions.builder().ttl(Duration.ofSeconds(3)).build();
        for (int i = 0; i < leases; i++) {
            held.add(client.lock("many-" + i, options).acquire(Duration.ZERO));
            time.advance(Duration.ofMillis(1));
        }
        long before = backend.calls("extendAll");
        int periods = 30; // renewal period: ttl / 3 = 1 s
        advanceMs(periods * 1000L, 50);
        long calls = backend.calls("extendAll") - before;
        assertThat(held).allMatch(Lease::isValid);
        assertThat(calls).as("store calls for renewal").isPositive().isLessThanOrEqualTo((long) periods * leases / 100);
        assertThat(backend.calls("extend")).isZero();
    }

    @Test
    void failingRenewalsEndInLossAtTheLocalDeadline() {
        Lease lease = client.lock(
                        "flaky",
                        LockOptions.builder().ttl(Duration.ofSeconds(3)).build())
                .acquire(Duration.ZERO);
        backend.failExtendAll(new BackendException("store down", null));
        advanceMs(2_900, 10);
        assertThat(lease.isValid())
                .as("before the local deadline (ttl less drift margin)")
                .isTrue();
        advanceMs(100, 10);
        assertThat(lease.isValid()).isFalse();
        LeaseLoss loss = lease.whenLost().join();
        assertThat(loss.reason()).isEqualTo(LeaseLoss.Reason.EXPIRED);
        backend.failExtendAll(null);
    }

    @Test
    void leaseRemovedFromTheStoreIsLostAtTheNextRenewal() {
        Lease lease = client.lock(
                        "gone", LockOptions.builder().ttl(Duration.ofSeconds(3)).build())
                .acquire(Duration.ZERO);
        AtomicInteger lost = new AtomicInteger();
        lease.onLost(l -> lost.incrementAndGet());
        assertThat(client.forceRelease("gone")).hasSize(1);
        time.advance(Duration.ofSeconds(1));
        assertThat(lease.whenLost().join().reason()).isEqualTo(LeaseLoss.Reason.NOT_HELD);
        time.advance(Duration.ofSeconds(10));
        assertThat(lost.get()).isEqualTo(1);
    }

    @Test
    void closingTheClientReportsHeldLeasesLost() {
        Lease lease = client.lock("open").acquire(Duration.ZERO);
        client.close();
        assertThat(lease.whenLost().join().reason()).isEqualTo(LeaseLoss.Reason.CLIENT_CLOSED);
        assertThat(backend.calls("release")).as("released on close").isEqualTo(1);
    }

    @Test
    void uncontendedAcquireAndReleaseCostTwoStoreCalls() {
        client.lock("hot", LockOptions.builder().autoExtend(false).build())
                .acquire(Duration.ZERO)
                .close();
        assertThat(backend.calls()).containsOnlyKeys("tryAcquire", "release");
        assertThat(backend.calls("tryAcquire")).isEqualTo(1);
        assertThat(backend.calls("release")).isEqualTo(1);
    }

    @Test
    void aReleaseWakesOneWaiterNotAll() {
        Lease holder = client.lock(
                        "herd",
                        LockOptions.builder().ttl(HOUR).autoExtend(false).build())
                .acquire(Duration.ZERO);
        List<CompletableFuture<Lease>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waiters.add(client.lock(
                            "herd",
                            LockOptions.builder().retry(RetryPolicy.fixed(HOUR)).build())
                    .acquireAsync(HOUR));
        }
        long attemptsBefore = backend.calls("tryAcquire");
        holder.release();
        assertThat(backend.calls("tryAcquire") - attemptsBefore)
                .as("attempts caused by one release")
                .isEqualTo(1);
        assertThat(waiters).filteredOn(CompletableFuture::isDone).hasSize(1);
        assertThat(backend.calls("subscribe"))
                .as("one subscription for all waiters of a key")
                .isEqualTo(1);
        // each release hands over to exactly one more waiter
        List<Lease> closed = new ArrayList<>();
        for (int round = 2; round <= 5; round++) {
            List<Lease> holding = waiters.stream()
                    .filter(CompletableFuture::isDone)
                    .map(CompletableFuture::join)
                    .filter(l -> !closed.contains(l))
                    .toList();
            assertThat(holding).hasSize(1);
            closed.add(holding.get(0));
            holding.get(0).close();
            assertThat(waiters).filteredOn(CompletableFuture::isDone).hasSize(round);
        }
    }

    @Test
    void aReleaseDuringAWaitersSecondLookIsNotMissed() {
        Lease holder = client.lock(
                        "gap", LockOptions.builder().ttl(HOUR).autoExtend(false).build())
                .acquire(Duration.ZERO);
        // The first waiter of a key looks once more right after subscribing. The holder releases
        // while that look is in flight: the notification finds no waiter asleep to wake.
        backend.afterTryAcquire(2, holder::release);
        CompletableFuture<Lease> waiter = client.lock(
                        "gap",
                        LockOptions.builder().retry(RetryPolicy.fixed(HOUR)).build())
                .acquireAsync(HOUR);
        assertThat(waiter)
                .as("acquired at once, not after the hour-long retry delay")
                .isCompleted();
        assertThat(waiter.join().fencingToken()).isGreaterThan(holder.fencingToken());
    }

    @Test
    void renewalOfManyLeasesIsOneTaskThatSendsBatchesInTurn() {
        java.util.ArrayDeque<Runnable> tasks = new java.util.ArrayDeque<>();
        Locksmith queued = Locksmith.builder()
                .backend(backend)
                .timeSource(time)
                .executor(tasks::add)
                .build();
        try {
            List<Lease> held = new ArrayList<>();
            for (int i = 0; i < 1200; i++) {
                held.add(queued.lock(
                                "batch-" + i,
                                LockOptions.builder().ttl(Duration.ofSeconds(3)).build())
                        .acquire(Duration.ZERO));
            }
            time.advance(Duration.ofMillis(1000));
            time.advance(Duration.ofMillis(250));
            assertThat(tasks)
                    .as("renewal tasks queued for 1200 due leases over two ticks")
                    .hasSize(1);
            tasks.poll().run();
            assertThat(backend.calls("extendAll"))
                    .as("batches of 500, one after another")
                    .isEqualTo(3);
            assertThat(held).allMatch(Lease::isValid);
        } finally {
            queued.close();
            tasks.forEach(Runnable::run);
        }
    }

    @Test
    void aGrantThatArrivesAfterTheCallerGaveUpIsReleased() {
        Lease holder = client.lock(
                        "late",
                        LockOptions.builder().ttl(HOUR).autoExtend(false).build())
                .acquire(Duration.ZERO);
        CompletableFuture<Lease> waiter = client.lock(
                        "late",
                        LockOptions.builder().retry(RetryPolicy.fixed(HOUR)).build())
                .acquireAsync(HOUR);
        // the store grants the waiter's next attempt, and the caller gives up before hearing it
        backend.afterTryAcquire(1, () -> waiter.cancel(false));
        holder.release();
        assertThat(waiter).isCancelled();
        assertThat(client.lock("late").inspect()).as("no grant left behind").isEmpty();
        assertThat(backend.calls("release")).as("holder's release and the undo").isEqualTo(2);
    }

    /** Another client of the same store, on the same clock, running store calls inline. */
    private Locksmith otherClient() {
        return Locksmith.builder()
                .backend(backend)
                .timeSource(time)
                .executor(Runnable::run)
                .build();
    }

    private static LockOptions waitsAnHour() {
        return LockOptions.builder().retry(RetryPolicy.fixed(HOUR)).build();
    }

    private Lease holdForAnHour(Locksmith c, String name) {
        return c.lock(name, LockOptions.builder().ttl(HOUR).autoExtend(false).build())
                .acquire(Duration.ZERO);
    }

    @Test
    void aReleaseWakesOnlyTheWaiterTheStoreNamedNotOnePerClient() {
        try (Locksmith b = otherClient();
                Locksmith c = otherClient()) {
            Lease holder = holdForAnHour(client, "named");
            List<CompletableFuture<Lease>> waiters = new ArrayList<>();
            for (Locksmith waiting : List.of(b, c, b, c)) {
                waiters.add(waiting.lock("named", waitsAnHour()).acquireAsync(HOUR));
            }
            Lease current = holder;
            for (int round = 1; round <= 4; round++) {
                long attemptsBefore = backend.calls("tryAcquire");
                current.release();
                assertThat(backend.calls("tryAcquire") - attemptsBefore)
                        .as("attempts caused by release " + round + " with waiters in two other clients")
                        .isEqualTo(1);
                assertThat(waiters.get(round - 1))
                        .as("the store names waiters in arrival order")
                        .isCompleted();
                assertThat(waiters).filteredOn(CompletableFuture::isDone).hasSize(round);
                current = waiters.get(round - 1).join();
            }
            current.release();
        }
    }

    @Test
    void aWaiterThatGaveUpLeavesTheStoresQueueSoTheNextReleaseNamesALiveOne() {
        try (Locksmith b = otherClient();
                Locksmith c = otherClient()) {
            Lease holder = holdForAnHour(client, "gone");
            CompletableFuture<Lease> impatient = b.lock("gone", waitsAnHour()).acquireAsync(Duration.ofMillis(100));
            CompletableFuture<Lease> patient = c.lock("gone", waitsAnHour()).acquireAsync(HOUR);
            advanceMs(200, 10);
            timeoutOf(impatient);
            assertThat(backend.calls("leaveQueue")).isEqualTo(1);
            holder.release();
            assertThat(patient)
                    .as("woken by the release, not after the hour-long retry delay")
                    .isCompleted();
            patient.join().release();
        }
    }

    @Test
    void everyWatcherWakesOnARelease() {
        try (Locksmith b = otherClient();
                Locksmith c = otherClient()) {
            Lease holder = holdForAnHour(client, "watched");
            List<CompletableFuture<String>> watchers = new ArrayList<>();
            for (Locksmith watching : List.of(b, c, c)) {
                watchers.add(watching.state(
                                "watched",
                                dev.locksmith.Codec.strings(),
                                "v",
                                dev.locksmith.StateOptions.builder()
                                        .lockOptions(waitsAnHour())
                                        .build())
                        .awaitUnlockedAsync(HOUR));
            }
            CompletableFuture<Lease> acquirer = c.lock("watched", waitsAnHour()).acquireAsync(HOUR);
            assertThat(watchers).noneMatch(CompletableFuture::isDone);
            holder.release();
            assertThat(watchers).allMatch(w -> w.isDone() && w.join().equals("v"));
            assertThat(acquirer).as("watchers do not take the acquirer's turn").isCompleted();
            acquirer.join().release();
        }
    }

    @Test
    void aKeysSubscriptionOutlivesItsLastWaiterForAWhileSoTheNextWaiterLooksOnce() {
        Lease holder = holdForAnHour(client, "linger");
        long before = backend.calls("tryAcquire");
        CompletableFuture<Lease> first = client.lock("linger", waitsAnHour()).acquireAsync(HOUR);
        assertThat(backend.calls("tryAcquire") - before)
                .as("a new subscription: one more look right after subscribing")
                .isEqualTo(2);
        holder.release();
        Lease firstLease = first.join();
        // the key has no waiter now, but its subscription stays for a while
        before = backend.calls("tryAcquire");
        CompletableFuture<Lease> second = client.lock("linger", waitsAnHour()).acquireAsync(HOUR);
        assertThat(backend.calls("tryAcquire") - before)
                .as("the subscription still stands: no second look")
                .isEqualTo(1);
        assertThat(backend.calls("subscribe")).isEqualTo(1);
        firstLease.release();
        assertThat(second).as("woken by the release").isCompleted();
        Lease secondLease = second.join();
        advanceMs(2_100, 100);
        before = backend.calls("tryAcquire");
        CompletableFuture<Lease> third = client.lock("linger", waitsAnHour()).acquireAsync(HOUR);
        assertThat(backend.calls("subscribe"))
                .as("closed when idle for 2 s, then opened again")
                .isEqualTo(2);
        assertThat(backend.calls("tryAcquire") - before).isEqualTo(2);
        secondLease.release();
        assertThat(third).isCompleted();
        third.join().release();
    }
}
