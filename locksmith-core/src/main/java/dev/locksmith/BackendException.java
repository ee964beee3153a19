package dev.locksmith;

/**
 * The backing store failed or could not be reached. The outcome of the operation may be unknown;
 * Locksmith never reports a lock as held when the store did not confirm it.
 *
 * <p>A store marks a failure {@linkplain #isTransient() transient} when the same call may succeed
 * if tried again (a dropped connection, a timeout, a deadlock); the engine retries those within the
 * caller's deadline, and throws the last one when time runs out.
 */
public class BackendException extends LockException {
    private static final long serialVersionUID = 1L;

    private final boolean transientFailure;

    public BackendException(String message, Throwable cause) {
        this(null, message, cause, false);
    }

    public BackendException(String name, String message, Throwable cause) {
        this(name, message, cause, false);
    }

    /**
     * @param transientFailure whether trying the same call again may succeed
     */
    public BackendException(String name, String message, Throwable cause, boolean transientFailure) {
        super(name, message, cause);
        this.transientFailure = transientFailure;
    }

    /** Whether trying the same call again may succeed. */
    public boolean isTransient() {
        return transientFailure;
    }
}
