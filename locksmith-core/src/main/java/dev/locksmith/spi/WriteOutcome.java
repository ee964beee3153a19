package dev.locksmith.spi;

/** The outcome of a guarded write. */
public enum WriteOutcome {
    /** The writer held the lock with that token; the value is stored. */
    WRITTEN,
    /** The lock has been granted with a newer token since: the writer's token is stale. Nothing written. */
    STALE_TOKEN,
    /** The lock is not held by this owner and token, and has not been granted since. Nothing written. */
    NOT_HELD
}
