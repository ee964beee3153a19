package dev.locksmith;

/**
 * An action run while holding a lock, given the lease (for its fencing token), returning a value.
 * It may throw a checked exception, which {@code withLock} rethrows as it is after releasing.
 *
 * @param <T> the result
 * @param <X> the checked exception it may throw ({@link RuntimeException} when none)
 */
@FunctionalInterface
public interface LeaseFunction<T, X extends Exception> {
    T apply(Lease lease) throws X;
}
