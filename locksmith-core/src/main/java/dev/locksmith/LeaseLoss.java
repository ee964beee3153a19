package dev.locksmith;

import java.util.Objects;

/**
 * Why a lease stopped being valid before its holder released it.
 *
 * @param name the lock or semaphore name
 * @param fencingToken the token of the lost grant
 * @param reason why it was lost
 * @param cause the backend failure behind it, or {@code null}
 */
public record LeaseLoss(String name, long fencingToken, Reason reason, Throwable cause) {

    public LeaseLoss {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
    }

    /** Why a lease was lost. */
    public enum Reason {
        /** The store no longer has this owner's grant: it expired there, or was removed or taken over. */
        NOT_HELD,
        /** The local deadline passed without a confirmed extension (for example the store was unreachable). */
        EXPIRED,
        /** The client was closed while the lease was held. */
        CLIENT_CLOSED
    }
}
