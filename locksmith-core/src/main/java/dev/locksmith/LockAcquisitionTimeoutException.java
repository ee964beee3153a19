package dev.locksmith;

import java.time.Duration;

/** Thrown by {@code acquire} when the lock or permit could not be had within the allowed wait. */
public class LockAcquisitionTimeoutException extends LockException {
    private static final long serialVersionUID = 1L;

    private final Duration waited;
    private final int attempts;
    private final String holder;

    /**
     * @param name the lock or semaphore name
     * @param waited how long the caller waited
     * @param attempts how many attempts were made
     * @param holder the holder seen at the last attempt, or {@code null} if unknown
     */
    public LockAcquisitionTimeoutException(String name, Duration waited, int attempts, String holder) {
        super(
                name,
                "could not acquire '" + name + "' within " + waited.toMillis() + " ms (" + attempts
                        + (attempts == 1 ? " attempt" : " attempts") + (holder == null ? "" : ", held by " + holder)
                        + ")",
                null);
        this.waited = waited;
        this.attempts = attempts;
        this.holder = holder;
    }

    /** The holder's owner id seen at the last attempt, if the store reported one. */
    public java.util.Optional<String> holder() {
        return java.util.Optional.ofNullable(holder);
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
