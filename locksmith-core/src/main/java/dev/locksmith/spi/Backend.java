package dev.locksmith.spi;

import dev.locksmith.LeaseKind;
import java.util.List;
import java.util.Optional;

/**
 * The atomic operations every store offers. The engine builds every feature (waiting, retry,
 * failure retries, auto-extension, loss detection, the {@code Lock} view) on these, so behaviour
 * is the same on every store.
 *
 * <p>Operations are kind-neutral: a lock is a grant of {@link LeaseKind#LOCK} (at most one holder),
 * a semaphore permit one of {@link LeaseKind#PERMIT} (at most {@code maxPermits} live holders). A
 * store keeps locks, semaphores and guarded values of the same key apart. Keys are opaque strings
 * that already include the client's namespace ({@code ns/name}).
 *
 * <p>What a store may offer beyond this is an optional <em>role</em>, opted into by implementing
 * its interface: {@link ReleaseFeed}, {@link WaitQueue}, {@link GuardedStore}, {@link
 * OperatorActions}. The engine finds them with {@link #role(Class)}; a store whose roles depend on
 * its configuration (a database without notifications, say) overrides it.
 *
 * <p>Every method is blocking and thread-safe; the engine runs them on its own threads when a
 * caller used an async method. A store never sleeps, never retries a failed call and never reads
 * the system clock: it throws {@link dev.locksmith.BackendException}, marked {@linkplain
 * dev.locksmith.BackendException#isTransient() transient} when trying again may succeed (a dropped
 * connection, a timeout, a deadlock), and the engine retries transient failures within the
 * caller's deadline on the client's {@link dev.locksmith.TimeSource}. Re-running a statement that
 * lost a race inside one atomic operation is not a failure retry and is fine.
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

    /** What this store guarantees, and its limits. */
    Capabilities capabilities();

    /**
     * One atomic attempt to take a grant. When the request asks to queue and the store is a
     * {@link WaitQueue}, a failed attempt also puts the owner in the key's wait queue.
     */
    AcquireResult tryAcquire(AcquireRequest request);

    /** Renews the grant for {@code lease.ttl()} from now if {@code lease.owner()} holds it; returns whether it did. */
    boolean extend(LeaseRef lease);

    /** Frees {@code owner}'s grant; returns whether it held one. A {@link ReleaseFeed} tells subscribers. */
    boolean release(LeaseKind kind, String key, String owner);

    /**
     * Renews many leases, ideally in one round trip.
     *
     * @return for each lease, in order, whether its owner still held it and it was renewed
     */
    default boolean[] extendAll(List<LeaseRef> leases) {
        boolean[] out = new boolean[leases.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = extend(leases.get(i));
        }
        return out;
    }

    /** The live grants of {@code key} of that kind; {@link Holders#isFree()} when there are none. Names are keys. */
    Holders inspect(LeaseKind kind, String key);

    /**
     * This store in the given role, if it plays it. The default answers by type: a backend plays
     * every role interface it implements. Override it when a role depends on configuration, or in
     * a wrapper, to delegate.
     */
    default <R> Optional<R> role(Class<R> role) {
        return role.isInstance(this) ? Optional.of(role.cast(this)) : Optional.empty();
    }

    /** Closes what this backend created; never closes a client the user supplied. */
    @Override
    void close();
}
