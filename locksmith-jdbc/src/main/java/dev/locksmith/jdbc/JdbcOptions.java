package dev.locksmith.jdbc;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of a {@link JdbcBackend}. Immutable and thread-safe; the {@link Builder} is not.
 *
 * <p>In a {@code jdbc:} URI each setting is a parameter {@code locksmith.<name>}, for example
 * {@code jdbc:sqlite:/tmp/l.db?locksmith.tablePrefix=app_&locksmith.busyTimeout=2s}.
 */
public final class JdbcOptions {

    /** The table prefix used when none is set: {@value}. */
    public static final String DEFAULT_TABLE_PREFIX = "locksmith_";

    /** The SQLite busy timeout used when none is set: 5 seconds. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    /** Connections of the pool a {@code jdbc:} URI opens: {@value} (SQLite: {@value #DEFAULT_SQLITE_POOL_SIZE}). */
    public static final int DEFAULT_POOL_SIZE = 8;

    /** Connections of the pool a {@code jdbc:sqlite:} URI opens: {@value}. */
    public static final int DEFAULT_SQLITE_POOL_SIZE = 4;

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");
    private static final JdbcOptions DEFAULTS = builder().build();

    private final String tablePrefix;
    private final boolean createSchema;
    private final boolean notifications;
    private final Duration busyTimeout;
    private final int poolSize;

    private JdbcOptions(Builder b) {
        this.tablePrefix = b.tablePrefix;
        this.createSchema = b.createSchema;
        this.notifications = b.notifications;
        this.busyTimeout = b.busyTimeout;
        this.poolSize = b.poolSize;
    }

    /** The default settings. */
    public static JdbcOptions defaults() {
        return DEFAULTS;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from these settings. */
    public Builder mutate() {
        return new Builder()
                .tablePrefix(tablePrefix)
                .createSchema(createSchema)
                .notifications(notifications)
                .busyTimeout(busyTimeout)
                .poolSize(poolSize);
    }

    /** The prefix of the table names: {@code <prefix>locks}, {@code permits}, {@code state}, and on PostgreSQL {@code queue}. */
    public String tablePrefix() {
        return tablePrefix;
    }

    /** Whether missing tables are created; when off they are checked and a missing one is named. */
    public boolean createSchema() {
        return createSchema;
    }

    /** Whether to {@code LISTEN} for release notifications (PostgreSQL only; one connection while anyone waits). */
    public boolean notifications() {
        return notifications;
    }

    /** How long SQLite waits for another writer before failing with {@code SQLITE_BUSY}. */
    public Duration busyTimeout() {
        return busyTimeout;
    }

    /** Connections of the pool a {@code jdbc:} URI opens (unused with a {@code DataSource}). */
    public int poolSize() {
        return poolSize;
    }

    /** Builds {@link JdbcOptions}. Not thread-safe. */
    public static final class Builder {
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private boolean createSchema = true;
        private boolean notifications = true;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private int poolSize = DEFAULT_POOL_SIZE;

        private Builder() {}

        /**
         * A letter or underscore, then up to 39 letters, digits or underscores (use the connection's
         * default schema to place the tables elsewhere). Default {@value JdbcOptions#DEFAULT_TABLE_PREFIX}.
         */
        public Builder tablePrefix(String tablePrefix) {
            Objects.requireNonNull(tablePrefix, "tablePrefix");
            if (!PREFIX.matcher(tablePrefix).matches()) {
                throw new IllegalArgumentException(
                        "tablePrefix must match " + PREFIX.pattern() + ", was '" + tablePrefix + "'");
            }
            this.tablePrefix = tablePrefix;
            return this;
        }

        /** Default true. */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /** Default true. */
        public Builder notifications(boolean notifications) {
            this.notifications = notifications;
            return this;
        }

        /** 0 to {@link Integer#MAX_VALUE} ms; default 5 s. */
        public Builder busyTimeout(Duration busyTimeout) {
            Objects.requireNonNull(busyTimeout, "busyTimeout");
            if (busyTimeout.isNegative() || busyTimeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
                throw new IllegalArgumentException(
                        "busyTimeout must be between 0 and " + Integer.MAX_VALUE + " ms, was " + busyTimeout);
            }
            this.busyTimeout = busyTimeout;
            return this;
        }

        /** 1 to 1000; default 8 (a {@code jdbc:sqlite:} URI without the setting: 4). */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1 || poolSize > 1000) {
                throw new IllegalArgumentException("poolSize must be 1 to 1000, was " + poolSize);
            }
            this.poolSize = poolSize;
            return this;
        }

        public JdbcOptions build() {
            return new JdbcOptions(this);
        }
    }
}
