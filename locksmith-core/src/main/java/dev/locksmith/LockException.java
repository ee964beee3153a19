package dev.locksmith;

/**
 * Root of every exception Locksmith throws for a lock, semaphore or guarded-state operation.
 *
 * <p>Unchecked on purpose: callers handle the specific subclasses they care about
 * ({@link LockAcquisitionTimeoutException}, {@link LockLostException}, ...) and let the rest
 * propagate. Argument errors are reported as {@link IllegalArgumentException} or {@link
 * NullPointerException} naming the parameter, and use of a closed client as {@link
 * IllegalStateException}.
 */
public class LockException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String name;

    /**
     * @param name the lock, semaphore or state name the failure concerns, or {@code null}
     * @param message the detail message
     * @param cause the cause, or {@code null}
     */
    public LockException(String name, String message, Throwable cause) {
        super(message, cause);
        this.name = name;
    }

    /** The name of the lock, semaphore or state this failure concerns, or {@code null}. */
    public String name() {
        return name;
    }
}
