package dev.locksmith;

/** Thrown when an operation requires holding a lock that the caller does not hold. */
public class LockNotHeldException extends LockException {
    private static final long serialVersionUID = 1L;

    public LockNotHeldException(String name, String message) {
        super(name, message, null);
    }
}
