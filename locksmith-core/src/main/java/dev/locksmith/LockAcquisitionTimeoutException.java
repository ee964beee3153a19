package dev.locksmith;

import java.time.Duration;

/** Thrown by {@code acquire} when the lock or permit could not be had within the allowed wait. */
public class LockAcquisitionTimeoutException extends LockException {
    private static final long serialVersionUID = 1L;

    private final Duration waited;
    private final int attempts;

    public LockAcquisitionTimeoutException(String name, Duration waited, int attempts, String holder) {
        super(
                name,
                "could not acquire '" + name + "' within " + waited + " (" + attempts + " attempts"
                        + (holder == null ? "" : ", held by " + holder) + ")",
                null);
        this.waited = waited;
        this.attempts = attempts;
    }

    /** How long the caller waited before giving up. */
    public Duration waited() {
        return waited;
    }

    /** How many acquisition attempts were made. */
    public int attempts() {
        return attempts;
    }
}
