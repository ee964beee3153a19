package dev.locksmith.redis;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link RedisBackend}. Immutable and thread-safe; the {@link Builder} is not.
 *
 * <p>In a URI each setting is a query parameter of the same name, for example {@code
 * redis://localhost:6379/0?keyPrefix=app:&socketTimeout=500ms}.
 */
public final class RedisOptions {

    /** Default prefix of every Redis key and of the release channel: {@code "ls:"}. */
    public static final String DEFAULT_KEY_PREFIX = "ls:";

    /** Default time a command may take before it fails: 2 seconds. */
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(2);

    /** Default maximum of pooled connections: 16 (one more is used for pub/sub). */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    /**
     * Default time a waiter's registration outlives the holder's remaining lease: 5 seconds. A
     * failed attempt registers its owner as a waiter and a grant removes it; while any waiter is
     * registered a release publishes a notification, otherwise it publishes nothing.
     */
    public static final Duration DEFAULT_WAIT_MARKER_SLACK = Duration.ofSeconds(5);

    /**
     * Default time a released lock stays reserved for the waiter its release named: 50 ms. See
     * {@link #handOffWindow()}.
     */
    public static final Duration DEFAULT_HAND_OFF_WINDOW = Duration.ofMillis(50);

    /** Default time a grant waits for replica acknowledgements (when asked for any): 500 ms. */
    public static final Duration DEFAULT_REPLICA_ACK_TIMEOUT = Duration.ofMillis(500);

    /**
     * Whether release notifications on a cluster travel over sharded pub/sub ({@code SPUBLISH} on a
     * channel per key, in the key's slot, heard by one connection per master) instead of classic
     * {@code PUBLISH}, which the cluster bus sends to every node. Standalone and Sentinel-managed
     * servers always use the one classic channel. Every client of one cluster must use the same
     * kind, or their waiters do not hear each other's releases.
     */
    public enum ShardedPubSub {
        /** Sharded on a cluster whose servers support it (Redis 7.0 and later), classic otherwise. The default. */
        AUTO,
        /**
         * Sharded; opening a backend on a cluster whose servers do not support it fails (checked
         * when the backend is opened), and so does one on a standalone or Sentinel-managed server.
         */
        ON,
        /** Classic {@code PUBLISH} everywhere, as Locksmith versions without sharded pub/sub do. */
        OFF
    }

    private static final RedisOptions DEFAULTS = builder().build();

    /** A private copy of the builder that built these settings: never changed, never shown. */
    private final Builder b;

    private RedisOptions(Builder b) {
        this.b = b.copy();
    }

    /** The default settings. */
    public static RedisOptions defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder mutate() {
        return b.copy();
    }

    /** Prefix of every Redis key Locksmith writes, and of its release channel ({@code <prefix>release}). */
    public String keyPrefix() {
        return b.keyPrefix;
    }

    /** How long one command may take before it fails with a {@link dev.locksmith.BackendException}. */
    public Duration socketTimeout() {
        return b.socketTimeout;
    }

    /** Maximum pooled connections for commands. */
    public int maxConnections() {
        return b.maxConnections;
    }

    /** How long a waiter's registration outlives the holder's remaining lease. */
    public Duration waitMarkerSlack() {
        return b.waitMarkerSlack;
    }

    /**
     * How long a released lock stays reserved for the queued waiter its release named, or zero
     * for no reservation. Within the window only that waiter can take the lock; anyone else's
     * attempt fails and queues, so a caller that just released (or never waited) cannot barge in
     * ahead of the waiter on its way, and the lock passes between waiters in queue order. A named
     * waiter that does not come (it crashed) costs the others at most the window.
     */
    public Duration handOffWindow() {
        return b.handOffWindow;
    }

    /**
     * Whether the operator declares that tokens survive a restart: only true for a Redis with
     * {@code appendonly yes} and {@code appendfsync always}, and no failover to a lagging replica.
     * Reported as {@link dev.locksmith.spi.Capabilities#durableTokens()}; Locksmith cannot check it.
     */
    public boolean durableTokens() {
        return b.durableTokens;
    }

    /**
     * How many replicas must acknowledge each new grant ({@code WAIT}) before it is reported; 0 (the
     * default) does not wait. A grant acknowledged by fewer within {@link #replicaAckTimeout()} is
     * undone and fails with a {@link dev.locksmith.BackendException}. This narrows the window in
     * which a failover loses a grant; it does not close it (replication stays asynchronous, and
     * Sentinel or the cluster may still promote a replica that missed it). On a cluster the
     * replicas counted are those of the master owning the key's slot.
     */
    public int replicaAcks() {
        return b.replicaAcks;
    }

    /** How long a grant waits for {@link #replicaAcks()} acknowledgements. */
    public Duration replicaAckTimeout() {
        return b.replicaAckTimeout;
    }

    /** Whether a cluster's release notifications use sharded pub/sub; see {@link ShardedPubSub}. */
    public ShardedPubSub shardedPubSub() {
        return b.shardedPubSub;
    }

    @Override
    public String toString() {
        return "RedisOptions{keyPrefix=" + b.keyPrefix + ", socketTimeout=" + b.socketTimeout + ", maxConnections="
                + b.maxConnections + ", waitMarkerSlack=" + b.waitMarkerSlack + ", handOffWindow=" + b.handOffWindow
                + ", durableTokens=" + b.durableTokens + ", replicaAcks=" + b.replicaAcks + ", replicaAckTimeout="
                + b.replicaAckTimeout + ", shardedPubSub=" + b.shardedPubSub + "}";
    }

    /** Builds {@link RedisOptions}. Not thread-safe. */
    public static final class Builder implements Cloneable {
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private Duration waitMarkerSlack = DEFAULT_WAIT_MARKER_SLACK;
        private Duration handOffWindow = DEFAULT_HAND_OFF_WINDOW;
        private boolean durableTokens;
        private int replicaAcks;
        private Duration replicaAckTimeout = DEFAULT_REPLICA_ACK_TIMEOUT;
        private ShardedPubSub shardedPubSub = ShardedPubSub.AUTO;

        private Builder() {}

        /** 1 to 64 characters without braces, whitespace or glob characters ({@code * ? [ ] \}). */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (!keyPrefix.matches("[^{}*?\\[\\]\\\\\\s]{1,64}")) {
                throw new IllegalArgumentException(
                        "keyPrefix must be 1 to 64 characters without braces, whitespace or * ? [ ] \\, was '"
                                + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /** 1 ms to 10 minutes. */
        public Builder socketTimeout(Duration socketTimeout) {
            this.socketTimeout = checkRange(socketTimeout, "socketTimeout");
            return this;
        }

        /** 1 to 10,000. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = check(
                    maxConnections, maxConnections >= 1 && maxConnections <= 10_000, "maxConnections", "1 to 10000");
            return this;
        }

        /** 1 ms to 10 minutes. */
        public Builder waitMarkerSlack(Duration waitMarkerSlack) {
            this.waitMarkerSlack = checkRange(waitMarkerSlack, "waitMarkerSlack");
            return this;
        }

        /** 0 (no reservation) to 10 seconds; see {@link RedisOptions#handOffWindow()}. */
        public Builder handOffWindow(Duration handOffWindow) {
            Objects.requireNonNull(handOffWindow, "handOffWindow");
            boolean ok = !handOffWindow.isNegative() && handOffWindow.compareTo(Duration.ofSeconds(10)) <= 0;
            this.handOffWindow = check(handOffWindow, ok, "handOffWindow", "0 to 10 seconds");
            return this;
        }

        /** See {@link RedisOptions#durableTokens()}. */
        public Builder durableTokens(boolean durableTokens) {
            this.durableTokens = durableTokens;
            return this;
        }

        /** 0 to 100; see {@link RedisOptions#replicaAcks()}. */
        public Builder replicaAcks(int replicaAcks) {
            this.replicaAcks = check(replicaAcks, replicaAcks >= 0 && replicaAcks <= 100, "replicaAcks", "0 to 100");
            return this;
        }

        /** 1 ms to 10 minutes, and shorter than the socket timeout when replicaAcks is set. */
        public Builder replicaAckTimeout(Duration replicaAckTimeout) {
            this.replicaAckTimeout = checkRange(replicaAckTimeout, "replicaAckTimeout");
            return this;
        }

        /** See {@link RedisOptions#shardedPubSub()}; {@link ShardedPubSub#AUTO} by default. */
        public Builder shardedPubSub(ShardedPubSub shardedPubSub) {
            this.shardedPubSub = Objects.requireNonNull(shardedPubSub, "shardedPubSub");
            return this;
        }

        /**
         * @throws IllegalArgumentException if replicaAcks is set and replicaAckTimeout is not shorter
         *     than socketTimeout
         */
        public RedisOptions build() {
            if (replicaAcks > 0 && replicaAckTimeout.compareTo(socketTimeout) >= 0) {
                throw new IllegalArgumentException("replicaAckTimeout (" + replicaAckTimeout
                        + ") must be shorter than socketTimeout (" + socketTimeout + ") when replicaAcks is set");
            }
            return new RedisOptions(this);
        }

        private Builder copy() {
            try {
                return (Builder) clone();
            } catch (CloneNotSupportedException e) {
                throw new AssertionError(e);
            }
        }

        private static Duration checkRange(Duration d, String name) {
            Objects.requireNonNull(d, name);
            boolean ok = d.compareTo(Duration.ofMillis(1)) >= 0 && d.compareTo(Duration.ofMinutes(10)) <= 0;
            return check(d, ok, name, "1 ms to 10 minutes");
        }

        private static <T> T check(T value, boolean ok, String name, String range) {
            if (!ok) {
                throw new IllegalArgumentException(name + " must be " + range + ", was " + value);
            }
            return value;
        }
    }
}
