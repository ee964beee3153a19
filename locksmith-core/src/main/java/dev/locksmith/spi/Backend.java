package dev.locksmith.spi;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The atomic operations a store must offer. The engine builds every feature (waiting, retry,
 * auto-extension, loss detection, the {@code Lock} view) on these, so that behaviour is the same on
 * every store.
 *
 * <p>Keys are opaque strings that already include the client's namespace ({@code ns/name}); a
 * store keeps locks, semaphores and guarded values of the same key apart. Every method is
 * blocking and thread-safe; the engine runs them on its own threads when a caller used an async
 * method. Failures of the store are thrown as {@link dev.locksmith.BackendException}.
 *
 * <p>Contract, checked by the testkit's conformance suite:
 *
 * <ul>
 *   <li>Expiry is judged by the store's clock, never by the client's.
 *   <li>Each new grant of a key gets a fencing token strictly greater than every earlier grant of
 *       that key (locks and permits of one key share one counter).
 *   <li>Acquiring again with the owner that already holds the grant renews it and returns the
 *       same token (an idempotent retry).
 *   <li>Release and extend only act when the given owner holds the grant.
 * </ul>
 */
public interface Backend extends AutoCloseable {

    /** What this store supports and guarantees. */
    Capabilities capabilities();

    /** One atomic attempt to take the lock {@code key} for {@code owner} for {@code ttl}. */
    AcquireResult tryAcquire(String key, String owner, Duration ttl);

    /** Renews the lock for {@code ttl} from now if {@code owner} holds it; returns whether it did. */
    boolean extend(String key, String owner, Duration ttl);

    /** Frees the lock if {@code owner} holds it; returns whether it did. Notifies waiters if any. */
    boolean release(String key, String owner);

    /** The lock's holder, or empty if free. The returned name is the key. */
    Optional<LockInfo> inspect(String key);

    /**
     * One atomic attempt to take a permit of semaphore {@code key}, allowing at most {@code
     * maxPermits} live permits (expired ones do not count).
     */
    AcquireResult tryAcquirePermit(String key, String owner, int maxPermits, Duration ttl);

    /** Renews {@code owner}'s permit; returns whether it held one. */
    boolean extendPermit(String key, String owner, Duration ttl);

    /** Returns {@code owner}'s permit; returns whether it held one. Notifies waiters if any. */
    boolean releasePermit(String key, String owner);

    /** The semaphore's live permits, or empty if none was ever taken (or all expired). */
    Optional<SemaphoreInfo> inspectSemaphore(String key);

    /**
     * Renews many leases, ideally in one round trip.
     *
     * @return for each lease, in order, whether its owner still held it and it was renewed
     */
    default boolean[] extendAll(List<LeaseRef> leases) {
        boolean[] out = new boolean[leases.size()];
        for (int i = 0; i < out.length; i++) {
            LeaseRef l = leases.get(i);
            out[i] = l.kind() == LeaseKind.LOCK
                    ? extend(l.key(), l.owner(), l.ttl())
                    : extendPermit(l.key(), l.owner(), l.ttl());
        }
        return out;
    }

    /** Every live lock and permit whose key starts with {@code keyPrefix}. Names are keys. */
    List<LockInfo> list(String keyPrefix);

    /** Operator action: removes the lock and every permit of {@code key}, whoever holds them. */
    List<LockInfo> forceRelease(String key);

    /** The guarded value of {@code key}, or empty if never written (or expired). */
    Optional<StoredState> readState(String key);

    /**
     * Writes the guarded value of {@code key} in one atomic step, only if the lock {@code key} is
     * held right now by {@code owner} with {@code fencingToken}.
     *
     * @param valueTtl how long the value lives, or {@code null} for ever
     */
    WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl);

    /**
     * Registers {@code listener} to be told when the lock (or a permit) of {@code key} is released,
     * by any client. It runs on a store thread and must not block. Stores without notifications
     * return {@link Subscription#NONE}.
     */
    Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener);

    /**
     * As {@link #tryAcquire}, and when the lock is held, also puts {@code owner} in the key's wait
     * queue (or keeps its place there), so that a release can name it as the waiter to try next.
     * The entry must outlive the holder's remaining lease; a grant takes the owner out of the
     * queue. Stores without a wait queue keep the default, a plain {@link #tryAcquire}.
     */
    default AcquireResult tryAcquireOrQueue(String key, String owner, Duration ttl) {
        return tryAcquire(key, owner, ttl);
    }

    /** As {@link #tryAcquirePermit}, queueing {@code owner} like {@link #tryAcquireOrQueue}. */
    default AcquireResult tryAcquirePermitOrQueue(String key, String owner, int maxPermits, Duration ttl) {
        return tryAcquirePermit(key, owner, maxPermits, ttl);
    }

    /**
     * As {@link #inspect}, and when the lock is held, also asks that the next release be
     * published even if no acquirer waits, for those waiting only to see the lock free ({@code
     * GuardedState.awaitUnlocked}). Default: a plain {@link #inspect}.
     */
    default Optional<LockInfo> inspectOrWatch(String key) {
        return inspect(key);
    }

    /**
     * Takes {@code owner} out of the wait queue of {@code key} after it gave up waiting (timed out
     * or was cancelled), so that no release names a waiter that is gone. Best effort: entries also
     * expire by themselves. Default: nothing.
     */
    default void leaveQueue(LeaseKind kind, String key, String owner) {}

    /** Closes what this backend created; never closes a client the user supplied. */
    @Override
    void close();
}
