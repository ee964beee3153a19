package dev.locksmith.jdbc;

import dev.locksmith.BackendException;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WriteOutcome;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
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
 * lives in the lock's row, which is never deleted, so tokens never go backwards. Release
 * notifications use PostgreSQL {@code LISTEN/NOTIFY}, naming the next waiter of the key's wait
 * queue (table {@code <prefix>queue}) so that one release wakes one waiter in one client; on other
 * databases waiters fall back to a timed retry. The tables and their DDL are described in {@code docs/backends/jdbc.md}.
 *
 * <p>A {@code DataSource} passed by the user is never closed by the backend. On PostgreSQL one of
 * its connections is held for {@code LISTEN} while anyone subscribes to releases.
 */
public final class JdbcBackend implements Backend {
    private static final System.Logger LOG = System.getLogger(JdbcBackend.class.getName());

    /** The table prefix used when none is set: {@value}. */
    public static final String DEFAULT_TABLE_PREFIX = "locksmith_";

    /** The SQLite busy timeout used when none is set: 5 seconds. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(5);

    /** How often a transient failure (deadlock, serialization failure, lost connection) is retried: {@value}. */
    public static final int DEFAULT_MAX_RETRIES = 3;

    /** The longest key (namespace, slash and name) the tables hold. */
    public static final int MAX_KEY_LENGTH = 255;

    /** The longest owner id the tables hold. */
    public static final int MAX_OWNER_LENGTH = 255;

    private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,39}");
    private static final long MAX_TTL_MILLIS = Long.MAX_VALUE / 4;

    /** How long a wait queue entry outlives the holder's lease: its waiter looks again before then. */
    static final long QUEUE_SLACK_MILLIS = 5_000;

    private final ConnectionSource connections;
    private final Dialect dialect;
    private final int maxRetries;
    private final Duration busyTimeout;
    private final PgListener listener;
    private final Capabilities capabilities;
    private volatile boolean closed;

    private JdbcBackend(Builder b, ConnectionSource connections) {
        this.connections = connections;
        this.maxRetries = b.maxRetries;
        this.busyTimeout = b.busyTimeout;
        Dialect d;
        Connection c = null;
        boolean broken = false;
        try {
            c = connections.borrow();
            d = new Dialect(Dialect.Kind.detect(c.getMetaData()), b.tablePrefix);
            if (d.kind == Dialect.Kind.SQLITE) {
                prepareSqlite(c, true);
            }
            if (b.createSchema) {
                createSchema(c, d);
            }
            probe(c, d, b.createSchema);
            boolean notifying = b.notifications && d.kind == Dialect.Kind.POSTGRESQL && pgDriverPresent();
            if (d.queue && !(notifying && queueTablePresent(c, d))) {
                d = d.withoutQueue();
            }
        } catch (SQLException e) {
            broken = true;
            connections.close();
            throw new BackendException(
                    "cannot open the JDBC backend: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")", e);
        } catch (RuntimeException e) {
            broken = true;
            connections.close();
            throw e;
        } finally {
            if (c != null) {
                connections.giveBack(c, broken);
            }
        }
        this.dialect = d;
        boolean notify = b.notifications && d.kind == Dialect.Kind.POSTGRESQL && pgDriverPresent();
        this.listener = notify ? new PgListener(connections, d.channel, b.listenTimeout.toMillis()) : null;
        this.capabilities =
                new Capabilities(notify, false, true, true, Duration.ofMillis(1), Duration.ofMillis(1), true, true);
    }

    /**
     * Starts a builder for a backend on {@code dataSource}, which stays the caller's: the backend
     * never closes it.
     */
    public static Builder builder(DataSource dataSource) {
        return new Builder(Objects.requireNonNull(dataSource, "dataSource"));
    }

    static Builder builder(ConnectionSource source) {
        return new Builder(source);
    }

    /** The database family in use, for diagnostics: PostgreSQL, MariaDB, MySQL, SQLite or H2. */
    public String databaseName() {
        return dialect.kind.displayName;
    }

    /** The tables this backend uses, in the order locks, permits, state, and on PostgreSQL the wait queue. */
    public List<String> tableNames() {
        return dialect.tables();
    }

    /** The DDL this backend runs when schema creation is on, for the detected database. */
    public List<String> ddl() {
        return dialect.ddl();
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    // ---------------------------------------------------------------- locks

    @Override
    public AcquireResult tryAcquire(String key, String owner, Duration ttl) {
        return acquire(key, owner, ttl, false);
    }

    /**
     * On PostgreSQL (with notifications), a held result also puts {@code owner} in the key's wait
     * queue in the statement that reads the holder; elsewhere a plain {@link #tryAcquire}.
     */
    @Override
    public AcquireResult tryAcquireOrQueue(String key, String owner, Duration ttl) {
        return acquire(key, owner, ttl, dialect.queue);
    }

    private AcquireResult acquire(String key, String owner, Duration ttl, boolean queue) {
        checkKey(key);
        checkOwner(owner);
        long ttlMs = ttlMillis(ttl);
        return run("tryAcquire", key, c -> {
            for (int round = 0; round < 3; round++) {
                Long token = dialect.acquireReturnsToken()
                        ? queryLong(c, dialect.acquireUpdate(), dialect.acquireParams(key, owner, ttlMs))
                        : updateThenSelect(c, key, owner, ttlMs);
                if (token != null) {
                    return AcquireResult.acquired(token, Duration.ofMillis(ttlMs));
                }
                if (insertIfAbsent(c, dialect.insertLock(), key, owner, ttlMs)) {
                    return AcquireResult.acquired(1, Duration.ofMillis(ttlMs));
                }
                try (PreparedStatement ps = queue
                                ? prepare(c, dialect.selectHolderQueueing(), key, owner, QUEUE_SLACK_MILLIS)
                                : prepare(c, dialect.selectHolder(), key);
                        ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        String holder = rs.getString(1);
                        long remaining = rs.getLong(2);
                        if (holder != null && remaining > 0) {
                            return AcquireResult.held(holder, Duration.ofMillis(remaining));
                        }
                    }
                }
                // freed (or created) between our statements: try again
            }
            return AcquireResult.held(null, null);
        });
    }

    /** MariaDB/MySQL have no UPDATE ... RETURNING: update and read the token under the row lock. */
    private Long updateThenSelect(Connection c, String key, String owner, long ttlMs) throws SQLException {
        c.setAutoCommit(false);
        try {
            Long token = null;
            if (update(c, dialect.acquireUpdate(), dialect.acquireParams(key, owner, ttlMs)) > 0) {
                token = queryLong(c, dialect.selectLockToken(), key);
            }
            c.commit();
            return token;
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    @Override
    public boolean extend(String key, String owner, Duration ttl) {
        checkKey(key);
        checkOwner(owner);
        long ttlMs = ttlMillis(ttl);
        return run("extend", key, c -> update(c, dialect.extendLock(), ttlMs, key, owner) > 0);
    }

    @Override
    public boolean release(String key, String owner) {
        checkKey(key);
        checkOwner(owner);
        return run("release", key, c -> changeNotifying(c, dialect.releaseLock(), key, owner) > 0);
    }

    @Override
    public Optional<LockInfo> inspect(String key) {
        checkKey(key);
        return run("inspect", key, c -> {
            try (PreparedStatement ps = prepare(c, dialect.inspectLock(), key);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new LockInfo(
                        key, LeaseKind.LOCK, rs.getString(1), rs.getLong(2), Duration.ofMillis(rs.getLong(3))));
            }
        });
    }

    // ---------------------------------------------------------------- semaphores

    @Override
    public AcquireResult tryAcquirePermit(String key, String owner, int maxPermits, Duration ttl) {
        return acquirePermit(key, owner, maxPermits, ttl, false);
    }

    /**
     * On PostgreSQL (with notifications), a held result also puts {@code owner} in the
     * semaphore's wait queue, in the transaction that found it full; elsewhere a plain {@link
     * #tryAcquirePermit}.
     */
    @Override
    public AcquireResult tryAcquirePermitOrQueue(String key, String owner, int maxPermits, Duration ttl) {
        return acquirePermit(key, owner, maxPermits, ttl, dialect.queue);
    }

    private AcquireResult acquirePermit(String key, String owner, int maxPermits, Duration ttl, boolean queue) {
        checkKey(key);
        checkOwner(owner);
        if (maxPermits < 1) {
            throw new IllegalArgumentException("maxPermits must be >= 1, was " + maxPermits);
        }
        long ttlMs = ttlMillis(ttl);
        return run(
                "tryAcquirePermit",
                key,
                c -> inTransaction(c, () -> {
                    // the counter row serializes acquirers of this semaphore (and is a write, so SQLite
                    // takes its write lock first); nothing else is read before it is locked
                    if (update(c, dialect.lockFenceSettingMax(), maxPermits, key) == 0) {
                        if (!insertIfAbsent(c, dialect.insertFence(), key, maxPermits)) {
                            update(c, dialect.lockFenceSettingMax(), maxPermits, key);
                        }
                    }
                    update(c, dialect.deleteExpiredPermits(), key);
                    List<LockInfo> live = permits(c, key);
                    for (LockInfo p : live) {
                        if (p.owner().equals(owner)) {
                            update(c, dialect.extendPermit(), ttlMs, key, owner);
                            return Tx.commit(AcquireResult.acquired(p.fencingToken(), Duration.ofMillis(ttlMs)));
                        }
                    }
                    if (live.size() >= maxPermits) {
                        Duration earliest = live.stream()
                                .map(LockInfo::remaining)
                                .min(Duration::compareTo)
                                .orElse(null);
                        String holder = live.size() == 1 ? live.get(0).owner() : null;
                        AcquireResult held = AcquireResult.held(holder, earliest);
                        if (queue) {
                            long lapse = (earliest == null ? 0 : earliest.toMillis()) + QUEUE_SLACK_MILLIS;
                            update(c, dialect.enqueue(), key, "P", owner, lapse);
                            return Tx.commit(held);
                        }
                        return Tx.rollback(held);
                    }
                    update(c, dialect.bumpFence(), key);
                    long token = queryLong(c, dialect.selectFence(), key);
                    if (dialect.queue) {
                        update(c, dialect.insertPermit(), key, owner, key, owner, token, ttlMs);
                    } else {
                        update(c, dialect.insertPermit(), key, owner, token, ttlMs);
                    }
                    return Tx.commit(AcquireResult.acquired(token, Duration.ofMillis(ttlMs)));
                }));
    }

    @Override
    public boolean extendPermit(String key, String owner, Duration ttl) {
        checkKey(key);
        checkOwner(owner);
        long ttlMs = ttlMillis(ttl);
        return run("extendPermit", key, c -> update(c, dialect.extendPermit(), ttlMs, key, owner) > 0);
    }

    @Override
    public boolean releasePermit(String key, String owner) {
        checkKey(key);
        checkOwner(owner);
        return run("releasePermit", key, c -> changeNotifying(c, dialect.releasePermit(), key, owner) > 0);
    }

    @Override
    public Optional<SemaphoreInfo> inspectSemaphore(String key) {
        checkKey(key);
        return run("inspectSemaphore", key, c -> {
            List<LockInfo> live = permits(c, key);
            if (live.isEmpty()) {
                return Optional.empty();
            }
            Long max = queryLong(c, dialect.selectMaxPermits(), key);
            return Optional.of(new SemaphoreInfo(key, max == null ? live.size() : max.intValue(), live));
        });
    }

    private List<LockInfo> permits(Connection c, String key) throws SQLException {
        List<LockInfo> out = new ArrayList<>();
        try (PreparedStatement ps = prepare(c, dialect.selectPermits(), key);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new LockInfo(
                        key, LeaseKind.PERMIT, rs.getString(1), rs.getLong(2), Duration.ofMillis(rs.getLong(3))));
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- batches, listing, operators

    /** Renews every lease in one JDBC batch per kind (one round trip on PostgreSQL and SQLite). */
    @Override
    public boolean[] extendAll(List<LeaseRef> leases) {
        Objects.requireNonNull(leases, "leases");
        boolean[] out = new boolean[leases.size()];
        if (leases.isEmpty()) {
            return out;
        }
        for (LeaseRef l : leases) {
            checkKey(l.key());
            checkOwner(l.owner());
        }
        // one transaction per batch: one commit (one log flush) for up to 500 renewals instead of
        // one per lease, which is what limits MariaDB and SQLite when many leases are held
        return run(
                "extendAll",
                null,
                c -> inTransaction(c, () -> {
                    batchExtend(c, leases, LeaseKind.LOCK, dialect.extendLock(), out);
                    batchExtend(c, leases, LeaseKind.PERMIT, dialect.extendPermit(), out);
                    return Tx.commit(out);
                }));
    }

    private void batchExtend(Connection c, List<LeaseRef> leases, LeaseKind kind, String sql, boolean[] out)
            throws SQLException {
        List<Integer> index = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < leases.size(); i++) {
                LeaseRef l = leases.get(i);
                if (l.kind() != kind) {
                    continue;
                }
                ps.setLong(1, ttlMillis(l.ttl()));
                ps.setString(2, l.key());
                ps.setString(3, l.owner());
                ps.addBatch();
                index.add(i);
            }
            if (index.isEmpty()) {
                return;
            }
            int[] counts = ps.executeBatch();
            for (int j = 0; j < index.size(); j++) {
                // SUCCESS_NO_INFO would be ambiguous; no supported driver reports it for updates
                out[index.get(j)] = j < counts.length && (counts[j] > 0 || counts[j] == Statement.SUCCESS_NO_INFO);
            }
        }
    }

    @Override
    public List<LockInfo> list(String keyPrefix) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        String pattern = likeEscape(keyPrefix) + "%";
        return run("list", null, c -> {
            List<LockInfo> out = new ArrayList<>();
            collect(c, dialect.listLocks(), pattern, keyPrefix, LeaseKind.LOCK, out);
            collect(c, dialect.listPermits(), pattern, keyPrefix, LeaseKind.PERMIT, out);
            return out;
        });
    }

    private void collect(Connection c, String sql, String pattern, String prefix, LeaseKind kind, List<LockInfo> out)
            throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, pattern);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1);
                // LIKE is case-insensitive on some databases (SQLite): filter exactly here
                if (name.startsWith(prefix)) {
                    out.add(new LockInfo(name, kind, rs.getString(2), rs.getLong(3), Duration.ofMillis(rs.getLong(4))));
                }
            }
        }
    }

    static String likeEscape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '!' || ch == '%' || ch == '_') {
                b.append('!');
            }
            b.append(ch);
        }
        return b.toString();
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        checkKey(key);
        return run(
                "forceRelease",
                key,
                c -> inTransaction(c, () -> {
                    if (update(c, dialect.lockFence(), key) == 0) {
                        return Tx.rollback(List.<LockInfo>of());
                    }
                    List<LockInfo> removed = new ArrayList<>();
                    try (PreparedStatement ps = prepare(c, dialect.inspectLock(), key);
                            ResultSet rs = ps.executeQuery()) {
                        if (rs.next()) {
                            removed.add(new LockInfo(
                                    key,
                                    LeaseKind.LOCK,
                                    rs.getString(1),
                                    rs.getLong(2),
                                    Duration.ofMillis(rs.getLong(3))));
                        }
                    }
                    boolean lockHeld = !removed.isEmpty();
                    List<LockInfo> permits = permits(c, key);
                    removed.addAll(permits);
                    update(c, dialect.clearLock(), key);
                    update(c, dialect.deletePermits(), key);
                    if (dialect.kind == Dialect.Kind.POSTGRESQL) {
                        if (lockHeld) {
                            notifyRelease(c, PgListener.payload(LeaseKind.LOCK, key));
                        }
                        if (!permits.isEmpty()) {
                            notifyRelease(c, PgListener.payload(LeaseKind.PERMIT, key));
                        }
                    }
                    return Tx.commit(removed);
                }));
    }

    private void notifyRelease(Connection c, String payload) throws SQLException {
        try (PreparedStatement ps = prepare(c, dialect.notifyRelease(), payload);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
        }
    }

    // ---------------------------------------------------------------- guarded state

    @Override
    public Optional<StoredState> readState(String key) {
        checkKey(key);
        return run("readState", key, c -> {
            try (PreparedStatement ps = prepare(c, dialect.readState(), key);
                    ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredState(rs.getBytes(1), rs.getLong(2)));
            }
        });
    }

    @Override
    public WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
        checkKey(key);
        checkOwner(owner);
        Objects.requireNonNull(value, "value");
        Long ttlMs = valueTtl == null ? null : ttlMillis(valueTtl);
        Object ttlParam = ttlMs == null ? (Object) NullLong.INSTANCE : ttlMs;
        return run("writeState", key, c -> {
            Object[] params = dialect.kind == Dialect.Kind.H2
                    ? new Object[] {key, owner, fencingToken, value, ttlParam, value, ttlParam}
                    : new Object[] {value, ttlParam, key, owner, fencingToken};
            if (update(c, dialect.writeState(), params) > 0) {
                return WriteOutcome.WRITTEN;
            }
            Long lockToken = queryLong(c, dialect.selectLockToken(), key);
            Long stateToken = queryLong(c, dialect.selectStateToken(), key);
            boolean newer = (lockToken != null && lockToken > fencingToken)
                    || (stateToken != null && stateToken > fencingToken);
            return newer ? WriteOutcome.STALE_TOKEN : WriteOutcome.NOT_HELD;
        });
    }

    // ---------------------------------------------------------------- notifications

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener onRelease) {
        Objects.requireNonNull(kind, "kind");
        checkKey(key);
        Objects.requireNonNull(onRelease, "onRelease");
        if (listener == null || closed) {
            return Subscription.NONE;
        }
        // with the wait queue, the notification names the owner the release took out of it (or
        // nobody: then each client lets one of its own waiters try)
        return listener.subscribe(kind, key, onRelease);
    }

    /** On PostgreSQL (with notifications), deletes the owner's wait queue entry; elsewhere nothing. */
    @Override
    public void leaveQueue(LeaseKind kind, String key, String owner) {
        Objects.requireNonNull(kind, "kind");
        checkKey(key);
        checkOwner(owner);
        if (!dialect.queue) {
            return;
        }
        String code = kind == LeaseKind.LOCK ? "L" : "P";
        run("leaveQueue", key, c -> update(c, dialect.leaveQueue(), key, code, owner));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (listener != null) {
            listener.close();
        }
        connections.close();
    }

    // ---------------------------------------------------------------- plumbing

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @FunctionalInterface
    private interface TxWork<T> {
        Tx<T> run() throws SQLException;
    }

    /** A transaction's result and whether to commit it. */
    private record Tx<T>(T value, boolean commit) {
        static <T> Tx<T> commit(T value) {
            return new Tx<>(value, true);
        }

        static <T> Tx<T> rollback(T value) {
            return new Tx<>(value, false);
        }
    }

    /** A typed SQL NULL for a BIGINT parameter. */
    private enum NullLong {
        INSTANCE
    }

    private static <T> T inTransaction(Connection c, TxWork<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            Tx<T> tx = work.run();
            if (tx.commit()) {
                c.commit();
            } else {
                c.rollback();
            }
            return tx.value();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    /**
     * Runs {@code work} on a pooled connection, retrying transient failures. Every operation of
     * this backend is safe to repeat: a repeated acquire by the same owner returns the same grant,
     * release, extend and guarded writes are owner- and token-checked.
     */
    private <T> T run(String op, String key, Work<T> work) {
        if (closed) {
            throw new IllegalStateException("the JDBC backend is closed");
        }
        SQLException last = null;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            if (attempt > 0) {
                backoff(attempt);
            }
            Connection c = null;
            boolean broken = false;
            try {
                c = connections.borrow();
                if (!c.getAutoCommit()) {
                    c.setAutoCommit(true);
                }
                if (dialect.kind == Dialect.Kind.SQLITE) {
                    prepareSqlite(c, false);
                }
                return work.run(c);
            } catch (SQLException e) {
                last = e;
                broken = isConnectionFailure(e) || isClosed(c);
                if (!(broken || isTransient(e))) {
                    break;
                }
                LOG.log(System.Logger.Level.DEBUG, () -> op + " failed transiently, retrying: " + e.getMessage());
            } finally {
                if (c != null) {
                    connections.giveBack(c, broken);
                }
            }
        }
        throw new BackendException(
                key,
                dialect.kind.displayName + " " + op + (key == null ? "" : " of '" + key + "'") + " failed: "
                        + last.getMessage() + " (SQLState " + last.getSQLState() + ", error " + last.getErrorCode()
                        + ")",
                last);
    }

    private static void backoff(int attempt) {
        long millis = 5L * attempt + ThreadLocalRandom.current().nextLong(10L * attempt);
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException("interrupted while retrying a database operation", e);
        }
    }

    private boolean isTransient(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = s.getSQLState();
                int code = s.getErrorCode();
                if (s instanceof SQLTransientException || (state != null && state.startsWith("40"))) {
                    return true;
                }
                switch (dialect.kind) {
                    case MARIADB, MYSQL -> {
                        if (code == 1205 || code == 1213) { // lock wait timeout, deadlock
                            return true;
                        }
                    }
                    case SQLITE -> {
                        int primary = code & 0xff;
                        if (primary == 5 || primary == 6) { // SQLITE_BUSY, SQLITE_LOCKED
                            return true;
                        }
                    }
                    case H2 -> {
                        if (code == 50200 || code == 40001) { // lock timeout, deadlock
                            return true;
                        }
                    }
                    default -> {}
                }
            }
        }
        return false;
    }

    private static boolean isConnectionFailure(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLRecoverableException
                || e instanceof SQLTransientConnectionException
                || (state != null && (state.startsWith("08") || state.startsWith("57P")));
    }

    /** Whether the driver closed the connection after a fatal error (a killed session, a restart). */
    private static boolean isClosed(Connection c) {
        try {
            return c != null && c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    private void prepareSqlite(Connection c, boolean first) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA busy_timeout = " + busyTimeout.toMillis());
            if (first) {
                // WAL lets readers and one writer of several processes share the file
                try (ResultSet rs = s.executeQuery("PRAGMA journal_mode = WAL")) {
                    if (rs.next() && !"wal".equalsIgnoreCase(rs.getString(1))) {
                        LOG.log(System.Logger.Level.DEBUG, "SQLite journal mode stays " + rs.getString(1));
                    }
                }
            }
        }
    }

    private static void createSchema(Connection c, Dialect d) throws SQLException {
        for (String ddl : d.ddl()) {
            try (Statement s = c.createStatement()) {
                s.execute(ddl);
            } catch (SQLException e) {
                // a concurrent creator may win the race on PostgreSQL (duplicate type): fine if it exists now
                if (!tableExists(c, d, ddl)) {
                    throw e;
                }
            }
        }
    }

    private static boolean tableExists(Connection c, Dialect d, String ddl) {
        for (int i = 0; i < d.tables().size(); i++) {
            if (ddl.contains(" " + d.tables().get(i) + " (")) {
                try (Statement s = c.createStatement()) {
                    s.executeQuery(d.probes().get(i)).close();
                    return true;
                } catch (SQLException e) {
                    return false;
                }
            }
        }
        return false;
    }

    private static void probe(Connection c, Dialect d, boolean created) throws SQLException {
        for (int i = 0; i < d.tables().size(); i++) {
            if (d.tables().get(i).equals(d.queueTable)) {
                continue; // optional: see queueTablePresent
            }
            try (Statement s = c.createStatement()) {
                s.executeQuery(d.probes().get(i)).close();
            } catch (SQLException e) {
                String hint = created
                        ? ""
                        : " (schema creation is off: create it with the DDL in docs/backends/jdbc.md,"
                                + " or turn createSchema on)";
                throw new SQLException(
                        "table " + d.tables().get(i) + " is missing or lacks columns" + hint + ": " + e.getMessage(),
                        e.getSQLState(),
                        e.getErrorCode(),
                        e);
            }
        }
    }

    /**
     * Whether the wait queue table is there; without it (schema managed by hand, not yet migrated)
     * the backend works as before the queue existed: a release names no waiter.
     */
    private static boolean queueTablePresent(Connection c, Dialect d) {
        try (Statement s = c.createStatement()) {
            s.executeQuery(d.queueProbe()).close();
            return true;
        } catch (SQLException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "table " + d.queueTable + " is missing or lacks columns: releases wake one waiter in every"
                            + " client instead of the next queued one (create it with the DDL in"
                            + " docs/backends/jdbc.md): " + e.getMessage());
            return false;
        }
    }

    private static boolean pgDriverPresent() {
        try {
            Class.forName("org.postgresql.PGConnection", false, JdbcBackend.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private boolean insertIfAbsent(Connection c, String sql, Object... params) throws SQLException {
        try {
            return update(c, sql, params) > 0;
        } catch (SQLException e) {
            // H2 has no insert-or-ignore: a duplicate key means someone else created the row
            if (dialect.kind == Dialect.Kind.H2 && "23505".equals(e.getSQLState())) {
                return false;
            }
            throw e;
        }
    }

    /** Runs an update, or on PostgreSQL a notifying query whose rows are the changed keys. */
    private int changeNotifying(Connection c, String sql, Object... params) throws SQLException {
        if (dialect.kind != Dialect.Kind.POSTGRESQL) {
            return update(c, sql, params);
        }
        int rows = 0;
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows++;
            }
        }
        return rows;
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    private static Long queryLong(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i];
                if (p instanceof String s) {
                    ps.setString(i + 1, s);
                } else if (p instanceof Long l) {
                    ps.setLong(i + 1, l);
                } else if (p instanceof Integer n) {
                    ps.setInt(i + 1, n);
                } else if (p instanceof byte[] bytes) {
                    ps.setBytes(i + 1, bytes);
                } else if (p == NullLong.INSTANCE) {
                    ps.setNull(i + 1, Types.BIGINT);
                } else {
                    throw new IllegalArgumentException("unsupported parameter " + p);
                }
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.DEBUG, "rollback failed", e);
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }

    static long ttlMillis(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        if (ttl.getSeconds() >= MAX_TTL_MILLIS / 1000) {
            return MAX_TTL_MILLIS;
        }
        long ms = ttl.toMillis();
        // round sub-millisecond remainders up: never grant less than asked
        return ttl.minusMillis(ms).isZero() ? ms : ms + 1;
    }

    private static void checkKey(String key) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw new IllegalArgumentException(
                    "key must be 1 to " + MAX_KEY_LENGTH + " characters, was " + key.length());
        }
    }

    private static void checkOwner(String owner) {
        Objects.requireNonNull(owner, "owner");
        if (owner.isEmpty() || owner.length() > MAX_OWNER_LENGTH) {
            throw new IllegalArgumentException(
                    "owner must be 1 to " + MAX_OWNER_LENGTH + " characters, was " + owner.length());
        }
    }

    @Override
    public String toString() {
        return "JdbcBackend[" + dialect.kind.displayName + ", tables " + dialect.locks + ", " + dialect.permits + ", "
                + dialect.state + "]";
    }

    /**
     * Builds a {@link JdbcBackend}. Not thread-safe; the built backend is.
     *
     * <table>
     *   <caption>Settings</caption>
     *   <tr><th>setting</th><th>default</th></tr>
     *   <tr><td>{@link #tablePrefix}</td><td>{@value JdbcBackend#DEFAULT_TABLE_PREFIX}</td></tr>
     *   <tr><td>{@link #createSchema}</td><td>true</td></tr>
     *   <tr><td>{@link #notifications}</td><td>true (PostgreSQL only)</td></tr>
     *   <tr><td>{@link #busyTimeout}</td><td>5 s (SQLite only)</td></tr>
     *   <tr><td>{@link #maxRetries}</td><td>{@value JdbcBackend#DEFAULT_MAX_RETRIES}</td></tr>
     * </table>
     */
    public static final class Builder {
        private final ConnectionSource source;
        private final DataSource dataSource;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private boolean createSchema = true;
        private boolean notifications = true;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private Duration listenTimeout = Duration.ofSeconds(5);
        private int maxRetries = DEFAULT_MAX_RETRIES;

        private Builder(DataSource dataSource) {
            this.dataSource = dataSource;
            this.source = null;
        }

        private Builder(ConnectionSource source) {
            this.dataSource = null;
            this.source = source;
        }

        /**
         * The prefix of the table names ({@code <prefix>locks}, {@code <prefix>permits},
         * {@code <prefix>state}, and on PostgreSQL the wait queue {@code <prefix>queue}): a letter or underscore, then up to 39 letters, digits or
         * underscores. May include nothing else (use the connection's default schema to place
         * the tables elsewhere).
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

        /**
         * Whether to create the tables if missing (default true). When off, {@link #build()} checks
         * that they exist and fails naming the missing one.
         */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /**
         * Whether to {@code LISTEN} for release notifications on PostgreSQL (default true). It
         * holds one connection while anyone waits.
         */
        public Builder notifications(boolean notifications) {
            this.notifications = notifications;
            return this;
        }

        /** How long SQLite waits for another writer before failing (default 5 s). */
        public Builder busyTimeout(Duration busyTimeout) {
            Objects.requireNonNull(busyTimeout, "busyTimeout");
            if (busyTimeout.isNegative() || busyTimeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "busyTimeout must be between 0 and " + Integer.MAX_VALUE + " ms, was " + busyTimeout);
            }
            this.busyTimeout = busyTimeout;
            return this;
        }

        /** How long a subscription waits for {@code LISTEN} to be active (default 5 s). */
        public Builder listenTimeout(Duration listenTimeout) {
            Objects.requireNonNull(listenTimeout, "listenTimeout");
            if (listenTimeout.isNegative()) {
                throw new IllegalArgumentException("listenTimeout must not be negative, was " + listenTimeout);
            }
            this.listenTimeout = listenTimeout;
            return this;
        }

        /**
         * How often a transient failure (deadlock, serialization failure, busy database, lost
         * connection) is retried before a {@link BackendException} (default 3, 0 to 100).
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > 100) {
                throw new IllegalArgumentException("maxRetries must be 0 to 100, was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * Connects, detects the database, creates or checks the tables.
         *
         * @throws BackendException if the database cannot be reached, is not supported, or the
         *     tables are missing with creation off
         */
        public JdbcBackend build() {
            ConnectionSource s = source != null ? source : ConnectionSource.of(dataSource);
            try {
                return new JdbcBackend(this, s);
            } catch (IllegalArgumentException e) {
                throw new BackendException(e.getMessage(), e);
            }
        }
    }
}
