package dev.locksmith.mongo;

import com.mongodb.WriteConcern;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a {@link MongoBackend}. Immutable and thread-safe; the {@link Builder} is not.
 *
 * <p>In a URI each setting is a parameter {@code locksmith.<name>}, for example {@code
 * mongodb://db1,db2,db3/app?replicaSet=rs0&locksmith.collectionPrefix=app_&locksmith.callTimeout=2s}.
 * The write concern comes from the URI's own {@code w}, {@code journal} and {@code wtimeoutMS}
 * when it sets them, and is {@link #DEFAULT_WRITE_CONCERN} otherwise.
 */
public final class MongoOptions {

    /** The database used when neither the URI path nor {@code database} names one: {@value}. */
    public static final String DEFAULT_DATABASE = "locksmith";

    /** The collection prefix used when none is set: {@value}. */
    public static final String DEFAULT_COLLECTION_PREFIX = "locksmith_";

    /**
     * The write concern used when none is set: {@code w: "majority", j: true}. A grant, renewal or
     * release is confirmed only once a majority of the replica set has it in its journal, so it
     * survives the loss of the primary.
     */
    public static final WriteConcern DEFAULT_WRITE_CONCERN = WriteConcern.MAJORITY.withJournal(true);

    /** The longest a store call may take when the caller has no deadline of its own: 5 seconds. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");
    private static final Pattern DATABASE = Pattern.compile("[^/\\\\. \"$*<>:|?]{1,63}");
    private static final MongoOptions DEFAULTS = builder().build();

    private final String database;
    private final String collectionPrefix;
    private final boolean createSchema;
    private final boolean changeStreams;
    private final WriteConcern writeConcern;
    private final Duration callTimeout;
    private final Duration gcAfter;

    private MongoOptions(Builder b) {
        this.database = b.database;
        this.collectionPrefix = b.collectionPrefix;
        this.createSchema = b.createSchema;
        this.changeStreams = b.changeStreams;
        this.writeConcern = b.writeConcern;
        this.callTimeout = b.callTimeout;
        this.gcAfter = b.gcAfter;
    }

    /** The default settings. */
    public static MongoOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder mutate() {
        Builder b = new Builder();
        b.database = database;
        b.collectionPrefix = collectionPrefix;
        b.createSchema = createSchema;
        b.changeStreams = changeStreams;
        b.writeConcern = writeConcern;
        b.callTimeout = callTimeout;
        b.gcAfter = gcAfter;
        return b;
    }

    /** The database that holds the collection. */
    public String database() {
        return database;
    }

    /** The prefix of the collection name: the grants live in {@code <prefix>locks}. */
    public String collectionPrefix() {
        return collectionPrefix;
    }

    /** The collection's name: {@code <prefix>locks}. */
    public String collectionName() {
        return collectionPrefix + "locks";
    }

    /**
     * Whether the backend creates the collection (and, with {@link #gcAfter()}, its TTL index) on
     * first use. When off it touches no schema: a missing collection is then created by MongoDB on
     * the first write, without the TTL index.
     */
    public boolean createSchema() {
        return createSchema;
    }

    /**
     * Whether waiters are woken through a change stream when the deployment has them (a replica
     * set or a sharded cluster). Without change streams, or with this off, waiters retry on their
     * timers (the holder's remaining lease, the retry policy).
     */
    public boolean changeStreams() {
        return changeStreams;
    }

    /** The write concern of every write. */
    public WriteConcern writeConcern() {
        return writeConcern;
    }

    /**
     * The longest one store call may take; an acquisition attempt takes at most the time its caller
     * has left, if that is shorter. A call that runs out fails as a transient failure, which the
     * client retries within the caller's deadline.
     */
    public Duration callTimeout() {
        return callTimeout;
    }

    /**
     * How long a key's document may stay untouched before a TTL index deletes it, or {@code null}
     * (the default) for never. Deleting a key's document forgets its fencing counter, so its tokens
     * start again at 1: only set this when no resource keeps tokens that long.
     */
    public Duration gcAfter() {
        return gcAfter;
    }

    @Override
    public String toString() {
        return "MongoOptions{database=" + database + ", collectionPrefix=" + collectionPrefix + ", createSchema="
                + createSchema + ", changeStreams=" + changeStreams + ", writeConcern=" + writeConcern
                + ", callTimeout=" + callTimeout + ", gcAfter=" + gcAfter + "}";
    }

    /** Builds {@link MongoOptions}. Not thread-safe. */
    public static final class Builder {
        private String database = DEFAULT_DATABASE;
        private String collectionPrefix = DEFAULT_COLLECTION_PREFIX;
        private boolean createSchema = true;
        private boolean changeStreams = true;
        private WriteConcern writeConcern = DEFAULT_WRITE_CONCERN;
        private Duration callTimeout = DEFAULT_CALL_TIMEOUT;
        private Duration gcAfter;

        private Builder() {}

        /** 1 to 63 characters, none of {@code / \ . " $ * < > : | ?} or space. Default {@value MongoOptions#DEFAULT_DATABASE}. */
        public Builder database(String database) {
            Objects.requireNonNull(database, "database");
            if (!DATABASE.matcher(database).matches()) {
                throw new IllegalArgumentException("database must be 1 to 63 characters without / \\ . \" $ * < > : | ?"
                        + " or space, was '" + database + "'");
            }
            this.database = database;
            return this;
        }

        /** A letter, digit or underscore, then up to 63 of those or {@code . -}. Default {@value MongoOptions#DEFAULT_COLLECTION_PREFIX}. */
        public Builder collectionPrefix(String collectionPrefix) {
            Objects.requireNonNull(collectionPrefix, "collectionPrefix");
            if (!PREFIX.matcher(collectionPrefix).matches()) {
                throw new IllegalArgumentException(
                        "collectionPrefix must match " + PREFIX.pattern() + ", was '" + collectionPrefix + "'");
            }
            this.collectionPrefix = collectionPrefix;
            return this;
        }

        /** Default true. */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /** Default true. */
        public Builder changeStreams(boolean changeStreams) {
            this.changeStreams = changeStreams;
            return this;
        }

        /** Default {@link MongoOptions#DEFAULT_WRITE_CONCERN}; must be acknowledged ({@code w} not 0). */
        public Builder writeConcern(WriteConcern writeConcern) {
            Objects.requireNonNull(writeConcern, "writeConcern");
            if (!writeConcern.isAcknowledged()) {
                throw new IllegalArgumentException(
                        "writeConcern must be acknowledged (w: 1, 2, ... or \"majority\"), was " + writeConcern);
            }
            this.writeConcern = writeConcern;
            return this;
        }

        /** 1 ms to 10 minutes; default 5 s. */
        public Builder callTimeout(Duration callTimeout) {
            Objects.requireNonNull(callTimeout, "callTimeout");
            if (callTimeout.compareTo(Duration.ofMillis(1)) < 0 || callTimeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("callTimeout must be between 1ms and 10m, was " + callTimeout);
            }
            this.callTimeout = callTimeout;
            return this;
        }

        /** {@code null} for never (the default), else 1 minute to 100 years, counted in whole seconds. */
        public Builder gcAfter(Duration gcAfter) {
            if (gcAfter != null
                    && (gcAfter.compareTo(Duration.ofMinutes(1)) < 0
                            || gcAfter.compareTo(Duration.ofDays(36500)) > 0)) {
                throw new IllegalArgumentException("gcAfter must be between 1m and 36500d, or unset, was " + gcAfter);
            }
            this.gcAfter = gcAfter;
            return this;
        }

        public MongoOptions build() {
            return new MongoOptions(this);
        }
    }
}
