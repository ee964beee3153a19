package dev.locksmith.nats;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How the NATS backend lays out its data and bounds its calls. Immutable; build with {@link
 * #builder()}. The URI settings of {@code nats://} have the same names.
 */
public final class NatsOptions {
    /** Default bucket prefix: records live in bucket {@value}, leases in {@code locksmith-lease-<ms>}. */
    public static final String DEFAULT_BUCKET = "locksmith";
    /** Default stream replicas of every bucket the backend creates: 1 (3 or 5 on a cluster). */
    public static final int DEFAULT_REPLICAS = 1;
    /** Default bound of one store call when the caller gave none: 5 seconds. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** Leases are rounded up to a multiple of this; each distinct rounded length is one bucket. */
    public static final Duration LEASE_STEP = Duration.ofMillis(100);

    private static final Pattern BUCKET = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final String bucket;
    private final int replicas;
    private final Duration requestTimeout;

    private NatsOptions(Builder b) {
        this.bucket = b.bucket;
        this.replicas = b.replicas;
        this.requestTimeout = b.requestTimeout;
    }

    /** Options with every default. */
    public static NatsOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The name of the records bucket and the prefix of the lease buckets. */
    public String bucket() {
        return bucket;
    }

    /** Stream replicas of the buckets the backend creates. */
    public int replicas() {
        return replicas;
    }

    /** The bound of one store call when the caller gave none. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    @Override
    public String toString() {
        return "NatsOptions{bucket=" + bucket + ", replicas=" + replicas + ", requestTimeout=" + requestTimeout + "}";
    }

    /** Builds {@link NatsOptions}. Not thread-safe. */
    public static final class Builder {
        private String bucket = DEFAULT_BUCKET;
        private int replicas = DEFAULT_REPLICAS;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

        private Builder() {}

        /** Records bucket name and lease bucket prefix: 1 to 64 of {@code A-Z a-z 0-9 _ -}. Default {@value #DEFAULT_BUCKET}. */
        public Builder bucket(String bucket) {
            Objects.requireNonNull(bucket, "bucket");
            if (!BUCKET.matcher(bucket).matches()) {
                throw new IllegalArgumentException(
                        "bucket must be 1 to 64 of the characters A-Z a-z 0-9 _ -, was '" + bucket + "'");
            }
            this.bucket = bucket;
            return this;
        }

        /** Stream replicas, 1 to 5 (odd on a cluster). Default 1. */
        public Builder replicas(int replicas) {
            if (replicas < 1 || replicas > 5) {
                throw new IllegalArgumentException("replicas must be between 1 and 5, was " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** Bound of one store call when the caller gave none; positive. Default 5 s. */
        public Builder requestTimeout(Duration requestTimeout) {
            Objects.requireNonNull(requestTimeout, "requestTimeout");
            if (requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
            }
            this.requestTimeout = requestTimeout;
            return this;
        }

        public NatsOptions build() {
            return new NatsOptions(this);
        }
    }
}
