package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.DistributedSemaphore;
import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import dev.locksmith.SemaphoreInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Counting semaphores: never more than N holders, expiring permits, inspection. */
public abstract class SemaphoreContract extends LocksmithContract {

    /** For backend modules to subclass. */
    protected SemaphoreContract() {}

    /** Acquisitions per thread in the contention test. */
    protected int contentionRounds() {
        return 50;
    }

    @Test
    void fourNThreadsNeverHoldMoreThanNPermits() throws Exception {
        int permits = 3;
        int threads = 4 * permits;
        Locksmith client = newClient();
        Locksmith other = newClient();
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger maxHolders = new AtomicInteger();
        Set<Long> tokens = ConcurrentHashMap.newKeySet();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                DistributedSemaphore sem = (t % 2 == 0 ? client : other).semaphore("pool", permits);
                done.add(pool.submit(() -> {
                    for (int i = 0; i < contentionRounds(); i++) {
                        try (Lease lease = sem.acquire(Duration.ofMinutes(2))) {
                            maxHolders.accumulateAndGet(holders.incrementAndGet(), Math::max);
                            assertThat(tokens.add(lease.fencingToken()))
                                    .as("token unique")
                                    .isTrue();
                            Thread.yield();
                            holders.decrementAndGet();
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
        assertThat(maxHolders.get()).as("holders at once").isBetween(1, permits);
        assertThat(tokens).hasSize(threads * contentionRounds());
        assertThat(client.semaphore("pool", permits).available()).isEqualTo(permits);
    }

    @Test
    void expiredPermitComesBack() {
        Locksmith a = newClient();
        Locksmith b = newClient();
        LockOptions shortLease =
                LockOptions.builder().ttl(shortTtl()).autoExtend(false).build();
        DistributedSemaphore sem = a.semaphore("expiring", 2, shortLease);
        Lease one = sem.acquire(Duration.ZERO);
        Lease two = sem.acquire(Duration.ZERO);
        DistributedSemaphore theirs = b.semaphore(
                "expiring",
                2,
                LockOptions.builder()
                        .retry(RetryPolicy.fixed(Duration.ofMillis(20)))
                        .build());
        assertThat(theirs.tryAcquire()).isEmpty();
        assertThat(theirs.available()).isZero();
        try (Lease three = theirs.acquire(scaled(shortTtl().multipliedBy(10)))) {
            assertThat(three.fencingToken()).isGreaterThan(Math.max(one.fencingToken(), two.fencingToken()));
            assertThat(one.release() && two.release())
                    .as("expired permits released")
                    .isFalse();
        }
    }

    @Test
    void inspectShowsHoldersAndAvailablePermits() {
        Locksmith client = newClient();
        DistributedSemaphore sem = client.semaphore("seen", 3);
        assertThat(sem.available()).isEqualTo(3);
        assertThat(sem.inspect().holders()).isEmpty();
        try (Lease a = sem.acquire(Duration.ZERO);
                Lease b = sem.acquire(Duration.ZERO)) {
            SemaphoreInfo info = newClient().semaphore("seen", 3).inspect();
            assertThat(info.maxPermits()).isEqualTo(3);
            assertThat(info.active()).isEqualTo(2);
            assertThat(info.available()).isEqualTo(1);
            assertThat(info.holders()).extracting(LockInfo::owner).containsExactlyInAnyOrder(a.owner(), b.owner());
            assertThat(info.holders()).extracting(LockInfo::kind).containsOnly(LeaseKind.PERMIT);
            assertThat(info.holders()).extracting(LockInfo::name).containsOnly("seen");
            assertThat(a.kind()).isEqualTo(LeaseKind.PERMIT);
            assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
            assertThat(client.list())
                    .filteredOn(i -> i.kind() == LeaseKind.PERMIT)
                    .hasSize(2);
        }
        assertThat(sem.available()).isEqualTo(3);
    }

    @Test
    void sameOwnerRetryReturnsTheSamePermit() {
        Locksmith client = newClient();
        LockOptions fixed = LockOptions.builder().owner("permit-owner").build();
        DistributedSemaphore sem = client.semaphore("retry", 2, fixed);
        Lease first = sem.acquire(Duration.ZERO);
        Lease again = sem.acquire(Duration.ZERO);
        assertThat(again.fencingToken()).isEqualTo(first.fencingToken());
        assertThat(sem.available()).isEqualTo(1);
        again.release();
    }
}
