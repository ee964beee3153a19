package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.locksmith.Lease;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Waiters wake on release, not on their retry delay: with a delay and a TTL of one hour, a waiter
 * still gets the lock right after the holder releases.
 */
public abstract class NotificationContract extends LocksmithContract {

    /** For backend modules to subclass. */
    protected NotificationContract() {}

    private static final Duration HOUR = Duration.ofHours(1);

    /** A waiter whose only way to wake within the test is a release notification. */
    private CompletableFuture<Lease> hourWaiter(Locksmith client, String name, CountDownLatch firstMiss) {
        RetryPolicy hourly = (attempt, elapsed, previous) -> {
            firstMiss.countDown();
            return Optional.of(HOUR);
        };
        return client.lock(name, LockOptions.builder().ttl(HOUR).retry(hourly).build())
                .acquireAsync(HOUR);
    }

    private void wakesOnRelease(Locksmith holderClient, Locksmith waiterClient) throws Exception {
        Lease held = holderClient
                .lock("wake", LockOptions.builder().ttl(HOUR).autoExtend(false).build())
                .acquire(Duration.ZERO);
        CountDownLatch missed = new CountDownLatch(1);
        CompletableFuture<Lease> waiter = hourWaiter(waiterClient, "wake", missed);
        assertThat(missed.await(30, TimeUnit.SECONDS)).as("waiter tried once").isTrue();
        assertThat(held.release()).isTrue();
        try (Lease lease = waiter.get(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS)) {
            assertThat(lease.fencingToken()).isGreaterThan(held.fencingToken());
        }
    }

    @Test
    void waiterInTheSameClientWakesOnRelease() throws Exception {
        Locksmith client = newClient();
        wakesOnRelease(client, client);
    }

    @Test
    void waiterInAnotherClientWakesOnRelease() throws Exception {
        Locksmith holder = newClient();
        assumeTrue(holder.capabilities().releaseNotifications(), "the store does not notify other clients");
        wakesOnRelease(holder, newClient());
    }

    @Test
    void semaphoreWaiterWakesWhenAPermitIsReturned() throws Exception {
        Locksmith holder = newClient();
        Locksmith other = holder.capabilities().releaseNotifications() ? newClient() : holder;
        LockOptions hour = LockOptions.builder().ttl(HOUR).autoExtend(false).build();
        Lease permit = holder.semaphore("wake-sem", 1, hour).acquire(Duration.ZERO);
        CountDownLatch missed = new CountDownLatch(1);
        RetryPolicy hourly = (attempt, elapsed, previous) -> {
            missed.countDown();
            return Optional.of(HOUR);
        };
        CompletableFuture<Lease> waiter = other.semaphore(
                        "wake-sem",
                        1,
                        LockOptions.builder().ttl(HOUR).retry(hourly).build())
                .acquireAsync(HOUR);
        assertThat(missed.await(30, TimeUnit.SECONDS)).isTrue();
        permit.release();
        try (Lease lease = waiter.get(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS)) {
            assertThat(lease.fencingToken()).isGreaterThan(permit.fencingToken());
        }
    }

    @Test
    void manyWaitersAllGetTheLockInTurn() throws Exception {
        Locksmith client = newClient();
        Lease held =
                client.lock("turns", LockOptions.builder().ttl(HOUR).build()).acquire(Duration.ZERO);
        int n = 8;
        List<CompletableFuture<Lease>> waiters = new ArrayList<>();
        CountDownLatch missed = new CountDownLatch(n);
        // a store without notifications wakes only waiters of the releasing client in time
        boolean notifies = client.capabilities().releaseNotifications();
        for (int i = 0; i < n; i++) {
            Locksmith c = i % 2 == 0 || !notifies ? client : newClient();
            RetryPolicy hourly = (attempt, elapsed, previous) -> {
                if (attempt == 1) {
                    missed.countDown();
                }
                return Optional.of(HOUR);
            };
            waiters.add(c.lock(
                            "turns",
                            LockOptions.builder().ttl(HOUR).retry(hourly).build())
                    .acquireAsync(HOUR)
                    .thenApply(lease -> {
                        lease.release();
                        return lease;
                    }));
        }
        assertThat(missed.await(30, TimeUnit.SECONDS)).isTrue();
        held.release();
        CompletableFuture.allOf(waiters.toArray(new CompletableFuture<?>[0]))
                .get(scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS);
    }
}
