package dev.locksmith.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a store guarantees, and its limits. A store builds it with {@link #builder()}; {@code
 * Locksmith.capabilities()} also says which optional roles the store plays. The conformance suite
 * uses it to decide which contract cases apply. Immutable.
 */
public final class Capabilities {
    private final boolean durableTokens;
    private final boolean linearizable;
    private final Duration minTtl;
    private final Duration ttlGranularity;
    private final boolean releaseNotifications;
    private final boolean expiryNotifications;
    private final boolean guardedState;

    private Capabilities(Builder b, boolean releaseNotifications, boolean expiryNotifications, boolean guardedState) {
        this.durableTokens = b.durableTokens;
        this.linearizable = b.linearizable;
        this.minTtl = b.minTtl;
        this.ttlGranularity = b.ttlGranularity;
        this.releaseNotifications = releaseNotifications;
        this.expiryNotifications = expiryNotifications;
        this.guardedState = guardedState;
    }

    /**
     * A builder with the weakest guarantees: tokens not durable, not linearizable, a minimum TTL
     * of 10 ms (a lease shorter than a round trip plus the store's clock step cannot be held) and a
     * granularity of 1 ms.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** The store's capabilities completed with the roles it plays (what {@code Locksmith.capabilities()} returns). */
    public static Capabilities of(Backend backend) {
        Capabilities c = backend.capabilities();
        Builder b = new Builder();
        b.durableTokens = c.durableTokens;
        b.linearizable = c.linearizable;
        b.minTtl = c.minTtl;
        b.ttlGranularity = c.ttlGranularity;
        var feed = backend.role(ReleaseFeed.class);
        return new Capabilities(
                b,
                feed.isPresent(),
                feed.map(ReleaseFeed::reportsExpiry).orElse(false),
                backend.role(GuardedStore.class).isPresent());
    }

    /** Fencing tokens survive a restart of the store (given its documented setup). */
    public boolean durableTokens() {
        return durableTokens;
    }

    /** Grants are linearizable (a consensus store, or a single node). */
    public boolean linearizable() {
        return linearizable;
    }

    /** The shortest lease the store can grant. */
    public Duration minTtl() {
        return minTtl;
    }

    /** The store rounds leases up to a multiple of this, and judges expiry to this precision. */
    public Duration ttlGranularity() {
        return ttlGranularity;
    }

    /** The store tells waiters when a grant is released (it plays the {@link ReleaseFeed} role). */
    public boolean releaseNotifications() {
        return releaseNotifications;
    }

    /** Its release feed also reports expired grants. */
    public boolean expiryNotifications() {
        return expiryNotifications;
    }

    /** Semaphore operations are supported: always, since a lock is a grant of one permit. */
    public boolean semaphores() {
        return true;
    }

    /** Guarded-state operations are supported (it plays the {@link GuardedStore} role). */
    public boolean guardedState() {
        return guardedState;
    }

    @Override
    public String toString() {
        return "Capabilities{durableTokens=" + durableTokens + ", linearizable=" + linearizable + ", minTtl=" + minTtl
                + ", ttlGranularity=" + ttlGranularity + ", releaseNotifications=" + releaseNotifications
                + ", expiryNotifications=" + expiryNotifications + ", guardedState=" + guardedState + "}";
    }

    /** Builds {@link Capabilities}. Not thread-safe. */
    public static final class Builder {
        private boolean durableTokens;
        private boolean linearizable;
        private Duration minTtl = Duration.ofMillis(10);
        private Duration ttlGranularity = Duration.ofMillis(1);

        private Builder() {}

        /** Tokens survive a restart of the store. Default: false. */
        public Builder durableTokens(boolean durableTokens) {
            this.durableTokens = durableTokens;
            return this;
        }

        /** Grants are linearizable. Default: false. */
        public Builder linearizable(boolean linearizable) {
            this.linearizable = linearizable;
            return this;
        }

        /** The shortest lease; positive. Default: 10 ms. */
        public Builder minTtl(Duration minTtl) {
            this.minTtl = positive(minTtl, "minTtl");
            return this;
        }

        /** The precision of leases; positive. Default: 1 ms. */
        public Builder ttlGranularity(Duration ttlGranularity) {
            this.ttlGranularity = positive(ttlGranularity, "ttlGranularity");
            return this;
        }

        public Capabilities build() {
            return new Capabilities(this, false, false, false);
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, was " + d);
            }
            return d;
        }
    }
}
