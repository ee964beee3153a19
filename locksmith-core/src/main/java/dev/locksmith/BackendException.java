package dev.locksmith;

/**
 * The backing store failed or could not be reached. The outcome of the operation may be unknown;
 * Locksmith never reports a lock as held when the store did not confirm it.
 */
public class BackendException extends LockException {
    private static final long serialVersionUID = 1L;

    public BackendException(String message, Throwable cause) {
        super(null, message, cause);
    }

    public BackendException(String name, String message, Throwable cause) {
        super(name, message, cause);
    }
}
