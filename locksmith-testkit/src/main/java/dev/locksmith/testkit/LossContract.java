package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockLostException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.Test;

/**
 * A lost lock never passes silently: {@code withLock} and the {@code Lock} view report a lease
 * lost while the action ran, {@code checkHeld} asks the store, and a grant can be released or
 * extended from anywhere by its owner id, owner-checked.
 */
public abstract class LossContract extends LocksmithContract {

    protected LossContract() {}

    private static LockOptions longLease() {
        return LockOptions.builder().ttl(Duration.ofSeconds(30)).build();
    }

    @Test
    void withLockThrowsWhenTheLeaseWasLostWhileTheActionRan() {
        Locksmith client = newClient();
        Locksmith operator = newClient();
        DistributedLock lock = client.lock("job", longLease());
        assertThatThrownBy(() -> lock.withLock(() -> {
                    operator.forceRelease("job");
                    return "done";
                }))
                .isInstanceOf(LockLostException.class)
                .satisfies(
                        e -> assertThat(((LockLostException) e).loss().reason()).isEqualTo(LeaseLoss.Reason.NOT_HELD));
        long token = lock.withLock(lease -> lease.fencingToken());
        assertThat(token)
                .as("a lease held to the end returns the action's result")
                .isPositive();
    }

    @Test
    void anActionsCheckedExceptionIsRethrownAsItIsAndTheLockReleased() {
        Locksmith client = newClient();
        DistributedLock lock = client.lock("io", longLease());
        assertThatThrownBy(() -> lock.runWithLock(Duration.ofSeconds(5), lease -> {
                    throw new IOException("disk full");
                }))
                .isInstanceOf(IOException.class)
                .hasMessage("disk full");
        assertThat(lock.isLocked()).isFalse();
    }

    @Test
    void theLockViewsUnlockThrowsWhenTheLeaseWasLost() throws Exception {
        Locksmith client = newClient();
        Locksmith operator = newClient();
        Lock view = client.lock("view", longLease()).asJavaLock();
        assertThat(view.tryLock(5, TimeUnit.SECONDS)).isTrue();
        operator.forceRelease("view");
        assertThatThrownBy(view::unlock)
                .isInstanceOf(IllegalMonitorStateException.class)
                .hasMessageContaining("lost");
    }

    @Test
    void checkHeldAsksTheStore() {
        Locksmith client = newClient();
        Locksmith operator = newClient();
        Lease lease = client.lock(
                        "checked",
                        LockOptions.builder()
                                .ttl(Duration.ofSeconds(30))
                                .autoExtend(false)
                                .build())
                .acquire(Duration.ZERO);
        assertThat(lease.checkHeld()).isTrue();
        operator.forceRelease("checked");
        assertThat(lease.isValid()).as("local and cheap: it cannot know yet").isTrue();
        assertThat(lease.checkHeld()).isFalse();
        assertThat(lease.isValid()).as("a false answer marks the lease lost").isFalse();
        assertThat(lease.whenLost()).isCompleted();
        assertThatThrownBy(lease::releaseOrThrow).isInstanceOf(LockLostException.class);
    }

    @Test
    void aGrantCanBeReleasedOrExtendedFromAnywhereByItsOwnerOnly() {
        Locksmith holder = newClient();
        Locksmith elsewhere = newClient();
        Lease lease = holder.lock("remote", longLease()).acquire(Duration.ZERO);
        DistributedLock remote = elsewhere.lock("remote");
        assertThat(remote.extend("someone-else", Duration.ofSeconds(30))).isFalse();
        assertThat(remote.release("someone-else")).isFalse();
        assertThat(remote.isLocked()).isTrue();
        assertThat(remote.extend(lease.owner(), Duration.ofSeconds(60))).isTrue();
        assertThat(remote.inspect().orElseThrow().remaining()).isGreaterThan(Duration.ofSeconds(30));
        assertThat(remote.release(lease.owner())).isTrue();
        assertThat(remote.isLocked()).isFalse();
        assertThat(lease.release()).as("the holder's own release finds it gone").isFalse();
    }

    @Test
    void extendWithoutArgumentsRenewsByTheLeasesTtl() {
        Locksmith client = newClient();
        Lease lease = client.lock(
                        "renew",
                        LockOptions.builder()
                                .ttl(Duration.ofSeconds(20))
                                .autoExtend(false)
                                .build())
                .acquire(Duration.ZERO);
        lease.extend();
        assertThat(lease.remaining()).isGreaterThan(Duration.ofSeconds(15));
        lease.releaseOrThrow();
        assertThatThrownBy(lease::releaseOrThrow).isInstanceOf(dev.locksmith.LockNotHeldException.class);
    }
}
