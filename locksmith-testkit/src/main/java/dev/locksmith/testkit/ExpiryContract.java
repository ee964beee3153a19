package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.Lease;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockLostException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Leases expire by the store's clock, auto-extension keeps them, and a holder hears of loss. */
public abstract class ExpiryContract extends LocksmithContract {

    /** For backend modules to subclass. */
    protected ExpiryContract() {}

    private LockOptions shortLease(boolean autoExtend) {
        return LockOptions.builder()
                .ttl(shortTtl())
                .autoExtend(autoExtend)
                .retry(RetryPolicy.fixed(Duration.ofMillis(20)))
                .build();
    }

    @Test
    void unextendedLeaseFreesTheLockForAnotherOwnerAfterItsTtl() throws Exception {
        Locksmith a = newClient();
        Locksmith b = newClient();
        Lease first = a.lock("expiring", shortLease(false)).acquire(Duration.ZERO);
        assertThat(b.lock("expiring").tryAcquire()).isEmpty();
        try (Lease second =
                b.lock("expiring", shortLease(false)).acquire(scaled(shortTtl().multipliedBy(10)))) {
            assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
            assertThat(first.isValid()).as("first lease after expiry").isFalse();
            LeaseLoss loss = first.whenLost().get(10, TimeUnit.SECONDS);
            assertThat(loss.reason()).isIn(LeaseLoss.Reason.EXPIRED, LeaseLoss.Reason.NOT_HELD);
            assertThat(loss.fencingToken()).isEqualTo(first.fencingToken());
            // the old holder can neither release nor extend the new holder's grant
            assertThat(first.release()).isFalse();
            assertThat(b.lock("expiring").inspect())
                    .get()
                    .extracting(i -> i.owner())
                    .isEqualTo(second.owner());
        }
    }

    @Test
    void extendByAnOwnerThatLostTheLockFailsAndChangesNothing() throws Exception {
        Locksmith a = newClient();
        Locksmith b = newClient();
        Lease stale = a.lock("taken", shortLease(false)).acquire(Duration.ZERO);
        try (Lease current =
                b.lock("taken", shortLease(false)).acquire(scaled(shortTtl().multipliedBy(10)))) {
            long remainingBefore =
                    b.lock("taken").inspect().orElseThrow().remaining().toMillis();
            assertThatThrownBy(() -> stale.extend(Duration.ofMinutes(10))).isInstanceOf(LockLostException.class);
            var info = b.lock("taken").inspect().orElseThrow();
            assertThat(info.owner()).isEqualTo(current.owner());
            assertThat(info.fencingToken()).isEqualTo(current.fencingToken());
            assertThat(info.remaining().toMillis()).isLessThanOrEqualTo(remainingBefore);
        }
    }

    @Test
    void manualExtendPushesExpiryBack() throws Exception {
        Locksmith a = newClient();
        try (Lease lease = a.lock("manual", shortLease(false)).acquire(Duration.ZERO)) {
            lease.extend(Duration.ofMinutes(5));
            assertThat(lease.remaining()).isGreaterThan(Duration.ofMinutes(4));
            assertThat(a.lock("manual").inspect().orElseThrow().remaining()).isGreaterThan(Duration.ofMinutes(4));
            lease.extendAsync(Duration.ofMinutes(20)).get(30, TimeUnit.SECONDS);
            assertThat(lease.remaining()).isGreaterThan(Duration.ofMinutes(19));
            assertThat(a.lock("manual").inspect().orElseThrow().remaining()).isGreaterThan(Duration.ofMinutes(19));
        }
    }

    @Test
    void autoExtensionKeepsTheLeaseAcrossTenTtlsAndStopsAtRelease() throws Exception {
        Locksmith a = newClient();
        Locksmith b = newClient();
        Lease lease = a.lock("kept", shortLease(true)).acquire(Duration.ZERO);
        long end = System.nanoTime() + shortTtl().multipliedBy(10).toNanos();
        int checks = 0;
        while (System.nanoTime() < end) {
            assertThat(lease.isValid()).as("lease valid at check %d", checks).isTrue();
            assertThat(b.lock("kept").tryAcquire())
                    .as("other owner at check %d", checks)
                    .isEmpty();
            checks++;
            Thread.sleep(shortTtl().toMillis() / 4);
        }
        assertThat(lease.whenLost()).isNotDone();
        assertThat(lease.release()).isTrue();
        assertThat(lease.isValid()).isFalse();
        try (Lease next = b.lock("kept", shortLease(false)).acquire(Duration.ZERO)) {
            assertThat(next.fencingToken()).isGreaterThan(lease.fencingToken());
        }
        assertThat(lease.whenLost()).as("a released lease is not lost").isNotDone();
    }

    @Test
    void leaseRemovedBehindItsBackIsReportedLostOnce() throws Exception {
        Locksmith a = newClient();
        Locksmith operator = newClient();
        Lease lease = a.lock("removed", shortLease(true)).acquire(Duration.ZERO);
        AtomicInteger calls = new AtomicInteger();
        lease.onLost(loss -> calls.incrementAndGet());
        assertThat(operator.forceRelease("removed")).hasSize(1);
        LeaseLoss loss = lease.whenLost().get(scaled(shortTtl().multipliedBy(4)).toMillis(), TimeUnit.MILLISECONDS);
        assertThat(loss.reason()).isEqualTo(LeaseLoss.Reason.NOT_HELD);
        assertThat(loss.name()).isEqualTo("removed");
        assertThat(lease.isValid()).isFalse();
        eventually(Duration.ofSeconds(5), "onLost called", () -> calls.get() == 1);
        AtomicInteger late = new AtomicInteger();
        lease.onLost(l -> late.incrementAndGet());
        eventually(Duration.ofSeconds(5), "onLost registered after loss runs at once", () -> late.get() == 1);
        assertThat(calls.get()).as("onLost called once").isEqualTo(1);
        assertThatThrownBy(() -> lease.extend(shortTtl())).isInstanceOf(LockLostException.class);
    }
}
