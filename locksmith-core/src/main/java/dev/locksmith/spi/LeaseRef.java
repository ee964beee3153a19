package dev.locksmith.spi;

import dev.locksmith.LeaseKind;
import java.time.Duration;
import java.util.Objects;

/**
 * One lease to extend in a batch.
 *
 * @param kind lock or semaphore permit
 * @param key the store key (namespace included)
 * @param owner the owner id that must hold it
 * @param ttl the new time to live, from now by the store's clock
 */
public record LeaseRef(LeaseKind kind, String key, String owner, Duration ttl) {
    public LeaseRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(ttl, "ttl");
    }
}
