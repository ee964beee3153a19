package dev.locksmith.internal;

import dev.locksmith.Lease;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockInterruptedException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A thread-bound, re-entrant {@link Lock} over a distributed lock: the thread that locked must
 * unlock, as the interface requires. Each outermost {@code lock()} is a separate grant.
 */
final class JavaLockView implements Lock {
    private final LockHandle lock;
    private final ConcurrentHashMap<Thread, Hold> holds = new ConcurrentHashMap<>();

    private static final class Hold {
        final Lease lease;
        int count = 1;

        Hold(Lease lease) {
            this.lease = lease;
        }
    }

    JavaLockView(LockHandle lock) {
        this.lock = lock;
    }

    private boolean reenter() {
        Hold h = holds.get(Thread.currentThread());
        if (h == null) {
            return false;
        }
        h.count++;
        return true;
    }

    @Override
    public void lock() {
        if (reenter()) {
            return;
        }
        boolean interrupted = false;
        while (true) {
            try {
                holds.put(Thread.currentThread(), new Hold(lock.acquire()));
                break;
            } catch (LockInterruptedException e) {
                interrupted = true; // lock() is not interruptible: try again, restore the flag after
                Thread.interrupted();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (reenter()) {
            return;
        }
        try {
            holds.put(Thread.currentThread(), new Hold(lock.acquire()));
        } catch (LockInterruptedException e) {
            Thread.interrupted();
            throw (InterruptedException) e.getCause();
        }
    }

    @Override
    public boolean tryLock() {
        if (reenter()) {
            return true;
        }
        Optional<Lease> lease = lock.tryAcquire();
        lease.ifPresent(l -> holds.put(Thread.currentThread(), new Hold(l)));
        return lease.isPresent();
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (reenter()) {
            return true;
        }
        try {
            Duration wait = Duration.ofNanos(Math.max(0, unit.toNanos(time)));
            holds.put(Thread.currentThread(), new Hold(lock.acquire(wait)));
            return true;
        } catch (LockAcquisitionTimeoutException e) {
            return false;
        } catch (LockInterruptedException e) {
            Thread.interrupted();
            throw (InterruptedException) e.getCause();
        }
    }

    @Override
    public void unlock() {
        Thread me = Thread.currentThread();
        Hold h = holds.get(me);
        if (h == null) {
            throw new IllegalMonitorStateException("the current thread does not hold '" + lock.name() + "'");
        }
        if (--h.count == 0) {
            holds.remove(me);
            LeaseLoss loss = ((LeaseImpl) h.lease).releaseReportingLoss();
            if (loss != null) {
                // the Lock contract's way to say "you did not hold it": the critical section ran
                // unprotected for part of its time
                throw new IllegalMonitorStateException("the lease on '" + lock.name() + "' was lost before unlock ("
                        + loss.reason() + "): the critical section was not protected to its end");
            }
        }
    }

    /**
     * Not supported: a condition would need a wait queue shared across processes. Use {@link
     * dev.locksmith.GuardedState#awaitUnlocked} or a semaphore instead.
     */
    @Override
    public Condition newCondition() {
        throw new UnsupportedOperationException("newCondition() is not supported by a distributed lock view of '"
                + lock.name() + "': conditions would need a cross-process wait queue; "
                + "use GuardedState.awaitUnlocked(...) or a DistributedSemaphore instead");
    }
}
