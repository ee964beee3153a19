package dev.locksmith;

import dev.locksmith.internal.Args;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a lock or semaphore permit is acquired and kept. Immutable and thread-safe; build with
 * {@link #builder()} (builders are not thread-safe) or start from {@link #defaults()}.
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>setting</th><th>default</th><th>allowed</th></tr>
 *   <tr><td>{@code ttl}</td><td>10 s</td><td>positive, at least the backend's minimum</td></tr>
 *   <tr><td>{@code autoExtend}</td><td>true</td><td>renew every {@code ttl / 3} until released</td></tr>
 *   <tr><td>{@code retry}</td><td>{@link RetryPolicy#DEFAULT}</td><td>any policy</td></tr>
 *   <tr><td>{@code owner}</td><td>generated per acquisition</td><td>1 to 128 characters</td></tr>
 * </table>
 */
public final class LockOptions {

    /** The default lease time to live: 10 seconds. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(10);

    /** The longest custom owner id accepted. */
    public static final int MAX_OWNER_LENGTH = 128;

    /**
     * The longest lease accepted, on every store: 365 days. A longer one is almost surely a
     * mistake (a lease is meant to end when its holder dies), and stores count TTLs in units that
     * overflow past it.
     */
    public static final Duration MAX_TTL = Duration.ofDays(365);

    private static final LockOptions DEFAULTS = new Builder().build();

    private final Duration ttl;
    private final boolean autoExtend;
    private final RetryPolicy retry;
    private final String owner;

    private LockOptions(Builder b) {
        this.ttl = b.ttl;
        this.autoExtend = b.autoExtend;
        this.retry = b.retry;
        this.owner = b.owner;
    }

    /** Options with every setting at its default. */
    public static LockOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from these options. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.ttl = ttl;
        b.autoExtend = autoExtend;
        b.retry = retry;
        b.owner = owner;
        return b;
    }

    /** The lease time to live granted by each acquisition and renewal. */
    public Duration ttl() {
        return ttl;
    }

    /** Whether held leases are renewed in the background until released. */
    public boolean autoExtend() {
        return autoExtend;
    }

    /** What a contended acquisition does next. */
    public RetryPolicy retry() {
        return retry;
    }

    /**
     * The fixed owner id, if one was set. With a fixed owner, acquiring again while holding returns
     * the same grant and token (an idempotent retry), so two threads sharing one fixed owner are
     * not excluded from each other. Without one, every acquisition gets a fresh unique owner id.
     */
    public Optional<String> owner() {
        return Optional.ofNullable(owner);
    }

    @Override
    public String toString() {
        return "LockOptions{ttl=" + ttl + ", autoExtend=" + autoExtend + ", owner=" + owner + "}";
    }

    /** Builds {@link LockOptions}. Not thread-safe. */
    public static final class Builder {
        private Duration ttl = DEFAULT_TTL;
        private boolean autoExtend = true;
        private RetryPolicy retry = RetryPolicy.DEFAULT;
        private String owner;

        private Builder() {}

        public Builder ttl(Duration ttl) {
            this.ttl = Args.atMost(Args.positive(ttl, "ttl"), MAX_TTL, "ttl");
            return this;
        }

        public Builder autoExtend(boolean autoExtend) {
            this.autoExtend = autoExtend;
            return this;
        }

        public Builder retry(RetryPolicy retry) {
            this.retry = Objects.requireNonNull(retry, "retry");
            return this;
        }

        /** A fixed owner id; {@code null} restores a generated one per acquisition. */
        public Builder owner(String owner) {
            this.owner = owner == null ? null : Args.name(owner, "owner", MAX_OWNER_LENGTH);
            return this;
        }

        public LockOptions build() {
            return new LockOptions(this);
        }
    }
}
