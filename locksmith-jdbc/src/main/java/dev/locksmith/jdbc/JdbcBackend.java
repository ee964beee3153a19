package dev.locksmith.jdbc;

import static dev.locksmith.jdbc.Grants.key;
import static dev.locksmith.jdbc.Grants.owner;
import static dev.locksmith.jdbc.Grants.ttlMillis;

import dev.locksmith.BackendException;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.GuardedStore;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.OperatorActions;
import dev.locksmith.spi.ReleaseFeed;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WaitQueue;
import dev.locksmith.spi.WriteOutcome;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * A Locksmith {@link Backend} on a relational database: PostgreSQL, MariaDB/MySQL, SQLite or H2,
 * detected from the connection. Thread-safe.
 *
 * <pre>{@code
 * Backend backend = JdbcBackend.builder(dataSource).tablePrefix("locksmith_").build();
 * try (Locksmith locksmith = Locksmith.builder().backend(backend).build()) { ... }
 * }</pre>
 *
 * <p>Every acquisition is one atomic statement judged by the database clock; the fencing token
 * lives in the lock's row, which is never deleted, so tokens never go backwards. On PostgreSQL with
 * notifications on, the backend is also a {@link ReleaseFeed} ({@code LISTEN/NOTIFY}) and a {@link
 * WaitQueue} (table {@code <prefix>queue}): a release names the next waiter, so that one release
 * wakes one waiter in one client. Elsewhere waiters fall back to a timed retry. The tables and
 * their DDL are in {@code docs/backends/jdbc.md}.
 *
 * <p>Creating a backend does no I/O: {@link #start()} connects, detects the database and creates
 * or checks the tables; {@link Builder#build()} and the URI provider call it, and otherwise the
 * first operation does. Failures are {@link BackendException}s, marked transient when trying again
 * may succeed (a lost connection, a deadlock, a busy database); the client retries those within the
 * caller's deadline. A {@code DataSource} passed by the user is never closed by the backend.
 */
public final class JdbcBackend implements Backend, ReleaseFeed, WaitQueue, GuardedStore, OperatorActions {

    /** The table prefix used when none is set: {@value}. */
    public static final String DEFAULT_TABLE_PREFIX = JdbcOptions.DEFAULT_TABLE_PREFIX;

    /** The SQLite busy timeout used when none is set: 5 seconds. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = JdbcOptions.DEFAULT_BUSY_TIMEOUT;

    /** Unused: the client, not the backend, retries transient failures, within the caller's deadline. */
    @Deprecated
    public static final int DEFAULT_MAX_RETRIES = 3;

    /** How long {@link #start()} waits for PostgreSQL {@code LISTEN} to be in effect, by default: 5 seconds. */
    public static final Duration DEFAULT_LISTEN_TIMEOUT = Duration.ofSeconds(5);

    /** The longest key (namespace, slash and name) the tables hold. */
    public static final int MAX_KEY_LENGTH = 255;

    /** The longest owner id the tables hold. */
    public static final int MAX_OWNER_LENGTH = 255;

    private final ConnectionSource connections;
    private final JdbcOptions options;
    private final TimeSource time;
    private final Duration listenTimeout;
    private final SqlExecutor sql;
    private volatile Dialect dialect;
    private volatile PgListener listener;
    private volatile boolean closed;

    /** A backend on {@code dataSource}, which stays the caller's. Does no I/O; see {@link #start()}. */
    public JdbcBackend(DataSource dataSource, JdbcOptions options) {
        this(ConnectionSource.of(dataSource), options, TimeSource.system(), DEFAULT_LISTEN_TIMEOUT);
    }

    JdbcBackend(ConnectionSource connections, JdbcOptions options, TimeSource time, Duration listenTimeout) {
        this.connections = connections;
        this.options = Objects.requireNonNull(options, "options");
        this.time = Objects.requireNonNull(time, "time");
        this.listenTimeout = listenTimeout;
        this.sql = new SqlExecutor(connections);
    }

    /** A builder for a backend on {@code dataSource}, which stays the caller's: the backend never closes it. */
    public static Builder builder(DataSource dataSource) {
        return new Builder(ConnectionSource.of(dataSource));
    }

    static Builder builder(ConnectionSource source) {
        return new Builder(source);
    }

    /**
     * Connects, detects the database, creates or checks the tables, and on PostgreSQL waits (at most
     * the listen timeout) for {@code LISTEN}. Idempotent; the first operation does the rest when
     * nobody called it.
     *
     * @throws BackendException if the database cannot be reached, is not supported, or the tables
     *     are missing with creation off
     */
    public void start() {
        dialect();
        PgListener l = listener;
        if (l != null) {
            l.startAndAwait(listenTimeout); // LISTEN in effect before anyone waits: no release to miss
        }
    }

    private Dialect dialect() {
        Dialect d = dialect;
        if (closed) {
            throw new IllegalStateException("the JDBC backend is closed");
        }
        return d != null ? d : open();
    }

    private synchronized Dialect open() {
        if (dialect == null) {
            Dialect d = Schema.open(sql, options);
            listener = d.listener(connections, time);
            dialect = d;
        }
        return dialect;
    }

    /** The database family in use, for diagnostics: PostgreSQL, MariaDB, MySQL, SQLite or H2. */
    public String databaseName() {
        return dialect().name;
    }

    /** The tables this backend uses, in the order locks, permits, state, and on PostgreSQL the wait queue. */
    public List<String> tableNames() {
        return dialect().tables();
    }

    /** The DDL this backend runs when schema creation is on, for the detected database. */
    public List<String> ddl() {
        return dialect().ddl();
    }

    @Override
    public Capabilities capabilities() {
        return Capabilities.builder().durableTokens(true).linearizable(true).build();
    }

    /**
     * {@link ReleaseFeed} only on PostgreSQL with notifications on, {@link WaitQueue} also only when
     * its table is there; {@link GuardedStore} and {@link OperatorActions} on every database.
     */
    @Override
    public <R> Optional<R> role(Class<R> role) {
        if ((role == ReleaseFeed.class && !dialect().notifies())
                || (role == WaitQueue.class && !dialect().queue())) {
            return Optional.empty();
        }
        return Backend.super.role(role);
    }

    /**
     * One attempt, bounded by {@link AcquireRequest#timeout()}. A {@linkplain AcquireRequest#queue()
     * queued} one that finds the key held on PostgreSQL (with the wait queue) also puts the owner in
     * the key's queue, in the statement (or transaction) that found it held.
     */
    @Override
    public AcquireResult tryAcquire(AcquireRequest r) {
        String key = key(r.key());
        String owner = owner(r.owner());
        long ttlMs = ttlMillis(r.ttl());
        Dialect d = dialect();
        boolean queue = r.queue() && d.queue();
        if (r.isLock()) {
            return sql.run(d, "tryAcquire", key, r.timeout(), c -> Grants.lock(d, c, key, owner, ttlMs, queue));
        }
        int max = r.maxPermits();
        return sql.run(
                d, "tryAcquirePermit", key, r.timeout(), c -> Grants.permit(d, c, key, owner, max, ttlMs, queue));
    }

    @Override
    public boolean extend(LeaseRef lease) {
        String key = key(lease.key());
        String owner = owner(lease.owner());
        long ttlMs = ttlMillis(lease.ttl());
        Dialect d = dialect();
        return sql.run(d, "extend", key, null, c -> SqlExecutor.update(c, d.extend(lease.kind()), ttlMs, key, owner))
                > 0;
    }

    @Override
    public boolean release(LeaseKind kind, String key, String owner) {
        Objects.requireNonNull(kind, "kind");
        key(key);
        owner(owner);
        Dialect d = dialect();
        return sql.run(d, "release", key, null, c -> d.release(c, kind, key, owner)) > 0;
    }

    @Override
    public boolean[] extendAll(List<LeaseRef> leases) {
        if (Objects.requireNonNull(leases, "leases").isEmpty()) {
            return new boolean[0];
        }
        for (LeaseRef l : leases) {
            key(l.key());
            owner(l.owner());
        }
        Dialect d = dialect();
        return sql.run(d, "extendAll", null, null, c -> Grants.extendAll(d, c, leases));
    }

    @Override
    public Holders inspect(LeaseKind kind, String key) {
        Objects.requireNonNull(kind, "kind");
        key(key);
        Dialect d = dialect();
        return sql.run(d, "inspect", key, null, c -> Grants.holders(d, c, kind, key));
    }

    /** Every release is published anyway: the same as {@code inspect(LOCK, key)}. */
    @Override
    public Holders inspectOrWatch(String key) {
        return inspect(LeaseKind.LOCK, key);
    }

    @Override
    public List<LockInfo> list(String keyPrefix) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        Dialect d = dialect();
        return sql.run(d, "list", null, null, c -> Grants.list(d, c, keyPrefix));
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        key(key);
        Dialect d = dialect();
        return sql.run(d, "forceRelease", key, null, c -> Grants.forceRelease(d, c, key));
    }

    @Override
    public Optional<StoredState> readState(String key) {
        key(key);
        Dialect d = dialect();
        return sql.run(d, "readState", key, null, c -> Grants.readState(d, c, key));
    }

    @Override
    public WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
        key(key);
        owner(owner);
        Objects.requireNonNull(value, "value");
        Object ttl = valueTtl == null ? SqlExecutor.NullLong.INSTANCE : (Object) ttlMillis(valueTtl);
        Dialect d = dialect();
        return sql.run(d, "writeState", key, null, c -> Grants.writeState(d, c, key, owner, fencingToken, value, ttl));
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        Objects.requireNonNull(kind, "kind");
        key(key);
        Objects.requireNonNull(listener, "listener");
        dialect();
        PgListener l = this.listener;
        return l == null || closed ? Subscription.NONE : l.subscribe(kind, key, listener);
    }

    @Override
    public void leaveQueue(LeaseKind kind, String key, String owner) {
        Objects.requireNonNull(kind, "kind");
        key(key);
        owner(owner);
        Dialect d = dialect();
        if (d.queue()) {
            sql.run(d, "leaveQueue", key, null, c -> d.leaveQueue(c, kind, key, owner));
        }
    }

    @Override
    public void close() {
        PgListener l;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            l = listener;
        }
        if (l != null) {
            l.close();
        }
        connections.close();
    }

    @Override
    public String toString() {
        Dialect d = dialect;
        return "JdbcBackend[" + (d == null ? "prefix " + options.tablePrefix() : d.name + ", " + d.tables()) + "]";
    }

    /** Builds a {@link JdbcBackend}; each setting as in {@link JdbcOptions.Builder}. Not thread-safe. */
    public static final class Builder {
        private final ConnectionSource source;
        private JdbcOptions.Builder options = JdbcOptions.builder();
        private TimeSource time = TimeSource.system();
        private Duration listenTimeout = DEFAULT_LISTEN_TIMEOUT;

        private Builder(ConnectionSource source) {
            this.source = source;
        }

        /** Every setting at once, replacing those set before. */
        public Builder options(JdbcOptions options) {
            this.options = options.mutate();
            return this;
        }

        public Builder tablePrefix(String tablePrefix) {
            options.tablePrefix(tablePrefix);
            return this;
        }

        public Builder createSchema(boolean createSchema) {
            options.createSchema(createSchema);
            return this;
        }

        public Builder notifications(boolean notifications) {
            options.notifications(notifications);
            return this;
        }

        public Builder busyTimeout(Duration busyTimeout) {
            options.busyTimeout(busyTimeout);
            return this;
        }

        /** The clock that times the PostgreSQL listener's reconnect backoff (default: the system's). */
        public Builder timeSource(TimeSource timeSource) {
            this.time = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /** How long {@link #build()} waits for PostgreSQL {@code LISTEN} to be in effect (default 5 s, 0 or more). */
        public Builder listenTimeout(Duration listenTimeout) {
            if (Objects.requireNonNull(listenTimeout, "listenTimeout").isNegative()) {
                throw new IllegalArgumentException("listenTimeout must not be negative, was " + listenTimeout);
            }
            this.listenTimeout = listenTimeout;
            return this;
        }

        /** Ignored: the client retries transient failures within the caller's deadline. */
        @Deprecated
        public Builder maxRetries(int maxRetries) {
            return this;
        }

        /**
         * Creates the backend and {@linkplain JdbcBackend#start() starts} it.
         *
         * @throws BackendException if the database cannot be reached, is not supported, or the
         *     tables are missing with creation off
         */
        public JdbcBackend build() {
            JdbcBackend b = new JdbcBackend(source, options.build(), time, listenTimeout);
            try {
                b.start();
            } catch (RuntimeException e) {
                b.close();
                throw e;
            }
            return b;
        }
    }
}
