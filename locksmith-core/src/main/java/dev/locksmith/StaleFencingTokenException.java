package dev.locksmith;

/**
 * Thrown when a write guarded by a fencing token is rejected because a newer grant of the same
 * lock exists: the writer's lease was lost and someone else has held the lock since.
 */
public class StaleFencingTokenException extends LockException {
    private static final long serialVersionUID = 1L;

    private final long token;

    public StaleFencingTokenException(String name, long token) {
        super(
                name,
                "write to '" + name + "' with fencing token " + token
                        + " rejected: the lock has been granted again since (stale token)",
                null);
        this.token = token;
    }

    /** The rejected (stale) fencing token. */
    public long token() {
        return token;
    }
}
