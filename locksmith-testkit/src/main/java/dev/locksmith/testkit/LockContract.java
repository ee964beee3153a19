package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;

/** Mutual exclusion, fencing tokens, owner checks and the blocking, async and {@code Lock} forms. */
public abstract class LockContract extends LocksmithContract {

    /** For backend modules to subclass. */
    protected LockContract() {}

    /** Acquisitions per thread in the contention test (16 threads). */
    protected int contentionRounds() {
        return 500;
    }

    @Test
    void sixteenThreadsNeverHoldAtOnceAndTokensStrictlyIncrease() throws Exception {
        Locksmith client = newClient();
        DistributedLock lock = client.lock(
                "contended", LockOptions.builder().ttl(Duration.ofSeconds(30)).build());
        int threads = 16;
        int rounds = contentionRounds();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        List<Long> tokensInGrantOrder = new ArrayList<>();
        History history = new History();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String me = "thread-" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < rounds; i++) {
                        try (Lease lease = lock.acquire(Duration.ofMinutes(2))) {
                            history.granted(me, "contended", lease.fencingToken());
                            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            synchronized (tokensInGrantOrder) {
                                tokensInGrantOrder.add(lease.fencingToken());
                            }
                            holders.decrementAndGet();
                            history.releasing(me, "contended", lease.fencingToken());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxHolders.get()).as("holders at once").isEqualTo(1);
        assertThat(tokensInGrantOrder).hasSize(threads * rounds);
        for (int i = 1; i < tokensInGrantOrder.size(); i++) {
            assertThat(tokensInGrantOrder.get(i))
                    .as("token of grant %d", i)
                    .isGreaterThan(tokensInGrantOrder.get(i - 1));
        }
        assertThat(history.check()).isEmpty();
        assertThat(lock.inspect()).as("every acquisition released").isEmpty();
    }

    @Test
    void heldLockIsVisibleAndRefusesOtherOwners() {
        Locksmith a = newClient();
        Locksmith b = newClient();
        try (Lease lease = a.lock("visible").acquire(Duration.ZERO)) {
            assertThat(lease.isValid()).isTrue();
            assertThat(lease.kind()).isEqualTo(LeaseKind.LOCK);
            assertThat(lease.name()).isEqualTo("visible");
            assertThat(b.lock("visible").tryAcquire()).isEmpty();
            Optional<LockInfo> info = b.lock("visible").inspect();
            assertThat(info).isPresent();
            assertThat(info.get().owner()).isEqualTo(lease.owner());
            assertThat(info.get().fencingToken()).isEqualTo(lease.fencingToken());
            assertThat(info.get().name()).isEqualTo("visible");
            assertThat(info.get().remaining()).isPositive().isLessThanOrEqualTo(LockOptions.DEFAULT_TTL);
            assertThat(b.list()).extracting(LockInfo::name).contains("visible");
        }
        assertThat(b.lock("visible").inspect()).isEmpty();
    }

    @Test
    void newGrantAfterReleaseGetsLargerToken() {
        Locksmith client = newClient();
        DistributedLock lock = client.lock("tokens");
        long first;
        try (Lease lease = lock.acquire(Duration.ZERO)) {
            first = lease.fencingToken();
            assertThat(lease.release()).isTrue();
            assertThat(lease.release()).as("second release").isFalse();
            assertThat(lease.isValid()).isFalse();
        }
        try (Lease lease = newClient().lock("tokens").acquire(Duration.ZERO)) {
            assertThat(lease.fencingToken()).isGreaterThan(first);
        }
    }

    @Test
    void retriedAcquireBySameOwnerReturnsSameGrantAndToken() {
        Locksmith client = newClient();
        LockOptions fixed = LockOptions.builder().owner("owner-" + namespace()).build();
        Lease first = client.lock("retry", fixed).acquire(Duration.ZERO);
        Lease again = client.lock("retry", fixed).acquire(Duration.ZERO);
        assertThat(again.fencingToken()).isEqualTo(first.fencingToken());
        assertThat(again.owner()).isEqualTo(first.owner());
        assertThat(newClient().lock("retry").tryAcquire()).as("another owner").isEmpty();
        assertThat(again.release()).isTrue();
        assertThat(first.release()).as("same grant, already released").isFalse();
        try (Lease next = client.lock("retry").acquire(Duration.ZERO)) {
            assertThat(next.fencingToken()).isGreaterThan(first.fencingToken());
        }
    }

    @Test
    void acquireGivesUpWithTimeoutWhileHeld() {
        Locksmith a = newClient();
        Locksmith b = newClient();
        try (Lease held = a.lock("busy").acquire(Duration.ZERO)) {
            DistributedLock other = b.lock(
                    "busy",
                    LockOptions.builder()
                            .retry(RetryPolicy.fixed(Duration.ofMillis(20)))
                            .build());
            assertThatThrownBy(() -> other.acquire(Duration.ofMillis(100)))
                    .isInstanceOf(LockAcquisitionTimeoutException.class)
                    .hasMessageContaining("busy");
            assertThatThrownBy(() -> b.lock(
                                    "busy",
                                    LockOptions.builder()
                                            .retry(RetryPolicy.none())
                                            .build())
                            .acquire())
                    .isInstanceOf(LockAcquisitionTimeoutException.class);
            assertThat(held.isValid()).isTrue();
        }
    }

    @Test
    void asyncAcquireCompletesAfterRelease() throws Exception {
        Locksmith a = newClient();
        Lease held = a.lock("async").acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting = newClient().lock("async").acquireAsync(scaled(Duration.ofSeconds(30)));
        CompletableFuture<Optional<Lease>> tried = newClient().lock("async").tryAcquireAsync();
        assertThat(tried.get(10, TimeUnit.SECONDS)).isEmpty();
        assertThat(waiting).isNotDone();
        held.release();
        try (Lease lease = waiting.get(30, TimeUnit.SECONDS)) {
            assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
            assertThat(lease.releaseAsync().get(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void withLockReleasesWhenTheActionThrows() {
        Locksmith client = newClient();
        DistributedLock lock = client.lock("action");
        assertThat(lock.withLock(() -> lock.isLocked())).isTrue();
        assertThatThrownBy(() -> lock.withLock((Runnable) () -> {
                    throw new IllegalStateException("boom");
                }))
                .hasMessage("boom");
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void javaLockViewIsThreadBoundAndReentrant() throws Exception {
        Locksmith client = newClient();
        Lock view = client.lock("view").asJavaLock();
        view.lock();
        view.lock();
        CountDownLatch tried = new CountDownLatch(1);
        AtomicInteger otherThreadGot = new AtomicInteger(-1);
        AtomicInteger unlockFailed = new AtomicInteger();
        Thread other = new Thread(() -> {
            otherThreadGot.set(view.tryLock() ? 1 : 0);
            try {
                view.unlock();
            } catch (IllegalMonitorStateException e) {
                unlockFailed.incrementAndGet();
            }
            tried.countDown();
        });
        other.start();
        assertThat(tried.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(otherThreadGot.get()).as("other thread tryLock").isZero();
        assertThat(unlockFailed.get()).isEqualTo(1);
        view.unlock();
        assertThat(client.lock("view").isLocked()).as("still held once").isTrue();
        view.unlock();
        assertThat(client.lock("view").isLocked()).isFalse();
        assertThat(view.tryLock(1, TimeUnit.SECONDS)).isTrue();
        view.unlock();
        assertThatThrownBy(view::newCondition)
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("newCondition");
    }
}
