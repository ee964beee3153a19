package dev.locksmith;

/** What a lease holds. */
public enum LeaseKind {
    /** A mutual-exclusion lock. */
    LOCK,
    /** One permit of a counting semaphore. */
    PERMIT
}
