package dev.locksmith;

/**
 * A blocking acquire was interrupted. The thread's interrupt flag is set again before this is
 * thrown, and no lock is left held by the interrupted attempt.
 */
public class LockInterruptedException extends LockException {
    private static final long serialVersionUID = 1L;

    public LockInterruptedException(String name, InterruptedException cause) {
        super(name, "interrupted while acquiring '" + name + "'", cause);
    }
}
