package dev.locksmith;

/**
 * An action run while holding a lock, given the lease (for its fencing token). It may throw a
 * checked exception, which {@code runWithLock} rethrows as it is after releasing.
 *
 * @param <X> the checked exception it may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface LeaseConsumer<X extends Exception> {
    void accept(Lease lease) throws X;
}
