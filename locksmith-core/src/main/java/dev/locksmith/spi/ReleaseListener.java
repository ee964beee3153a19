package dev.locksmith.spi;

/**
 * Told by a store that a lock or permit of a key was released.
 *
 * <p>A store that keeps a wait queue names the waiter it chose to try next, so that one release
 * costs one attempt however many processes wait; a store without one passes {@code null}, and each
 * client then lets one of its own waiters try.
 */
@FunctionalInterface
public interface ReleaseListener {

    /**
     * A grant of the key was released.
     *
     * @param next the owner the store chose to try next (it was first in the store's wait queue for
     *     the key and has been taken out of it), or {@code null} when the store did not choose
     */
    void released(String next);
}
