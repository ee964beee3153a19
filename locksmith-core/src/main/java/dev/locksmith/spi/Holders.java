package dev.locksmith.spi;

import dev.locksmith.LockInfo;
import java.util.List;
import java.util.Objects;

/**
 * The live grants of one key and kind, as the store sees them.
 *
 * @param maxPermits the permit limit recorded by the most recent grant (1 for a lock, 0 when
 *     unknown)
 * @param grants the live grants; names are keys
 */
public record Holders(int maxPermits, List<LockInfo> grants) {

    /** No live grant. */
    public static final Holders FREE = new Holders(0, List.of());

    public Holders {
        grants = List.copyOf(Objects.requireNonNull(grants, "grants"));
    }

    /** A lock held by {@code holder}. */
    public static Holders lock(LockInfo holder) {
        return new Holders(1, List.of(holder));
    }

    /** Whether nothing is held. */
    public boolean isFree() {
        return grants.isEmpty();
    }

    /** The first grant (for a lock, its holder). */
    public LockInfo first() {
        if (grants.isEmpty()) {
            throw new IllegalStateException("free");
        }
        return grants.get(0);
    }
}
