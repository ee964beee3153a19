package dev.locksmith.jdbc;

import static dev.locksmith.jdbc.SqlExecutor.queryLong;
import static dev.locksmith.jdbc.SqlExecutor.update;

import dev.locksmith.LeaseKind;
import dev.locksmith.TimeSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL of one database for one table prefix, and what differs between databases: one subclass
 * per database, and no other class asks which database it is. Every time value in the tables is a
 * count of milliseconds since the epoch by the database's clock ({@link #now}), so that expiry is
 * judged by the server and every database keeps millisecond precision. Statements are fields; the
 * comment before each names its parameters.
 */
abstract class Dialect {
    final String name;
    final String locks;
    final String permits;
    final String state;
    /** The database's current time in epoch milliseconds, as an SQL expression. */
    final String now;

    /**
     * Takes a free, expired or own lock (owner, owner, owner, ttlMs, key, owner). A new grant takes
     * {@code fence + 1}; the same live owner keeps its token. MariaDB/MySQL assign left to right:
     * token and fence read the old owner and expiry, which are assigned last.
     */
    final String acquireUpdate;
    // key, owner, ttlMs: the row of a never-seen key as a grant with token 1 / key, maxPermits: no grant
    final String insertLock;
    final String insertFence;
    // key -> owner, remaining ms
    final String selectHolder;
    // key -> token
    final String selectLockToken;
    final String selectFence;
    final String selectMaxPermits;
    final String selectStateToken;
    // key -> owner, token, remaining ms
    final String inspectLock;
    final String selectPermits;
    // key: lock the counter row for the transaction (a write: SQLite takes its write lock first)
    final String lockFence;
    // maxPermits, key: the same, recording the semaphore's limit
    final String lockFenceSettingMax;
    // key
    final String bumpFence;
    final String deleteExpiredPermits;
    final String clearLock;
    final String deletePermits;
    // key, owner, token, ttlMs
    final String insertPermit;
    // key -> value, token
    final String readState;
    // key, owner, token: the guard of writeState
    final String guard;

    Dialect(String name, String prefix, String now) {
        this.name = name;
        this.locks = prefix + "locks";
        this.permits = prefix + "permits";
        this.state = prefix + "state";
        this.now = now;
        String live = " AND expires_at > " + now;
        acquireUpdate = "UPDATE " + locks + " SET token = CASE WHEN owner = ?" + live + " THEN token ELSE fence + 1"
                + " END, fence = CASE WHEN owner = ?" + live
                + " THEN fence ELSE fence + 1 END, owner = ?, expires_at = "
                + now + " + ? WHERE name = ? AND (owner IS NULL OR expires_at <= " + now + " OR owner = ?)";
        String lockColumns = locks + " (name, owner, token, fence, expires_at, max_permits)";
        insertLock = insertIfAbsent(lockColumns, "?, ?, 1, 1, " + now + " + ?, 0");
        insertFence = insertIfAbsent(lockColumns, "?, NULL, 0, 0, 0, ?");
        selectHolder = "SELECT owner, expires_at - " + now + " FROM " + locks + " WHERE name = ?";
        selectLockToken = "SELECT token FROM " + locks + " WHERE name = ?";
        selectFence = "SELECT fence FROM " + locks + " WHERE name = ?";
        selectMaxPermits = "SELECT max_permits FROM " + locks + " WHERE name = ?";
        selectStateToken = "SELECT token FROM " + state + " WHERE name = ?";
        inspectLock = "SELECT owner, token, expires_at - " + now + " FROM " + locks + " WHERE name = ? AND owner IS NOT"
                + " NULL" + live;
        selectPermits = "SELECT owner, token, expires_at - " + now + " FROM " + permits + " WHERE name = ?" + live
                + " ORDER BY token";
        lockFence = "UPDATE " + locks + " SET max_permits = max_permits WHERE name = ?";
        lockFenceSettingMax = "UPDATE " + locks + " SET max_permits = ? WHERE name = ?";
        bumpFence = "UPDATE " + locks + " SET fence = fence + 1 WHERE name = ?";
        deleteExpiredPermits = "DELETE FROM " + permits + " WHERE name = ? AND expires_at <= " + now;
        clearLock = "UPDATE " + locks + " SET owner = NULL, expires_at = 0 WHERE name = ?";
        deletePermits = "DELETE FROM " + permits + " WHERE name = ?";
        insertPermit = "INSERT INTO " + permits + " (name, owner, token, expires_at) VALUES (?, ?, ?, " + now + " + ?)";
        readState = "SELECT state_value, token FROM " + state
                + " WHERE name = ? AND (expires_at IS NULL OR expires_at > " + now + ")";
        guard = " FROM " + locks + " l WHERE l.name = ? AND l.owner = ? AND l.token = ? AND l.expires_at > " + now;
    }

    /** The dialect of the connected database. */
    static Dialect detect(DatabaseMetaData meta, JdbcOptions options) throws SQLException {
        String product = meta.getDatabaseProductName();
        String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
        String prefix = options.tablePrefix();
        if (p.contains("postgres")) {
            return new PostgresDialect(prefix, options.notifications());
        }
        if (p.contains("mariadb") || p.contains("mysql")) {
            // MariaDB servers reached through a MySQL driver report "MySQL" with a MariaDB version
            String version = String.valueOf(meta.getDatabaseProductVersion()).toLowerCase(Locale.ROOT);
            return new MariadbDialect(prefix, !p.contains("mariadb") && !version.contains("mariadb"));
        }
        if (p.contains("sqlite")) {
            return new SqliteDialect(prefix, options.busyTimeout());
        }
        if (p.equals("h2")) {
            return new H2Dialect(prefix);
        }
        throw new IllegalArgumentException("unsupported database '" + product
                + "': locksmith-jdbc supports PostgreSQL, MariaDB/MySQL, SQLite and H2");
    }

    // ---- what differs

    /** Column types: text, bytes, big integer, and the table options after the closing parenthesis. */
    abstract String[] types();

    /** Creates a row if its key is absent, else does nothing. */
    abstract String insertIfAbsent(String into, String values);

    /**
     * Writes a guarded value if the lock row shows the owner and token live, never over a value
     * written with a newer token. Parameters: {@link #writeStateParams}.
     */
    abstract String writeState();

    Object[] writeStateParams(String key, String owner, long token, byte[] value, Object ttl) {
        return new Object[] {value, ttl, key, owner, token};
    }

    /** The database's own codes for a failure that may pass if tried again (busy, deadlock). */
    boolean transientCode(SQLException e) {
        return false;
    }

    /** Sets up a borrowed connection ({@code first}: the connection that opens the backend). */
    void prepare(Connection c, boolean first) throws SQLException {}

    /** Whether {@code Connection.setNetworkTimeout} bounds a call to a server that stopped answering. */
    boolean networkTimeouts() {
        return false;
    }

    /** Whether releases are published to listeners ({@code LISTEN/NOTIFY}). */
    boolean notifies() {
        return false;
    }

    /** The release feed's listener, when {@link #notifies()}; else {@code null}. */
    PgListener listener(ConnectionSource source, TimeSource time) {
        return null;
    }

    /** Whether the wait queue is in use: releases name the next queued owner. */
    boolean queue() {
        return false;
    }

    /** This dialect without the wait queue (its table is missing). */
    Dialect withoutQueue() {
        return this;
    }

    // ---- schema

    List<String> ddl() {
        String[] t = types();
        String text = t[0];
        String big = t[2];
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + locks + " (name " + text + " NOT NULL PRIMARY KEY, owner " + text
                        + ", token " + big + " NOT NULL, fence " + big + " NOT NULL, expires_at " + big
                        + " NOT NULL, max_permits INTEGER NOT NULL)" + t[3],
                "CREATE TABLE IF NOT EXISTS " + permits + " (name " + text + " NOT NULL, owner " + text + " NOT NULL,"
                        + " token " + big + " NOT NULL, expires_at " + big + " NOT NULL, PRIMARY KEY (name, owner))"
                        + t[3],
                "CREATE TABLE IF NOT EXISTS " + state + " (name " + text + " NOT NULL PRIMARY KEY, state_value " + t[1]
                        + " NOT NULL, token " + big + " NOT NULL, expires_at " + big + ")" + t[3]);
    }

    /** The tables, in the order locks, permits, state (and the wait queue). */
    List<String> tables() {
        return List.of(locks, permits, state);
    }

    /** For each table, a query that fails unless it exists with the expected columns. */
    List<String> probes() {
        return List.of(
                "SELECT name, owner, token, fence, expires_at, max_permits FROM " + locks + " WHERE 1 = 0",
                "SELECT name, owner, token, expires_at FROM " + permits + " WHERE 1 = 0",
                "SELECT name, state_value, token, expires_at FROM " + state + " WHERE 1 = 0");
    }

    // ---- statements that differ, or run differently

    /** Runs {@link #acquireUpdate}: the granted token, or {@code null} if the row is absent or held. */
    Long grant(Connection c, String key, String owner, long ttlMs) throws SQLException {
        return queryLong(c, acquireUpdate + " RETURNING token", owner, owner, owner, ttlMs, key, owner);
    }

    /** Runs an {@link #insertIfAbsent} statement: whether it inserted. */
    boolean inserted(Connection c, String sql, Object... params) throws SQLException {
        return update(c, sql, params) > 0;
    }

    /** The holder of a lock; with {@code queue}, also puts the owner in the key's wait queue. */
    String selectHolder(boolean queue) {
        return selectHolder;
    }

    Object[] holderParams(String key, String owner, boolean queue) {
        return new Object[] {key};
    }

    /** Renews an owner's live grant (ttlMs, key, owner). */
    String extend(LeaseKind kind) {
        return "UPDATE " + table(kind) + " SET expires_at = " + now + " + ? WHERE name = ? AND owner = ? AND"
                + " expires_at > " + now;
    }

    /** Frees the owner's grant; the number of grants freed. */
    int release(Connection c, LeaseKind kind, String key, String owner) throws SQLException {
        return update(c, releaseStatement(kind), key, owner);
    }

    /** Frees an owner's live grant (key, owner). */
    String releaseStatement(LeaseKind kind) {
        String free = kind == LeaseKind.LOCK
                ? "UPDATE " + locks + " SET owner = NULL, expires_at = 0"
                : "DELETE FROM " + permits;
        return free + " WHERE name = ? AND owner = ? AND expires_at > " + now;
    }

    /** Tells listeners that an operator removed the grants of a key. */
    void notifyForced(Connection c, LeaseKind kind, String key) throws SQLException {}

    /** Live grants whose name matches a LIKE pattern -> name, owner, token, remaining ms. */
    String list(LeaseKind kind) {
        return "SELECT name, owner, token, expires_at - " + now + " FROM " + table(kind) + " WHERE name LIKE ? ESCAPE"
                + " '!'" + (kind == LeaseKind.LOCK ? " AND owner IS NOT NULL" : "") + " AND expires_at > " + now;
    }

    private String table(LeaseKind kind) {
        return kind == LeaseKind.LOCK ? locks : permits;
    }

    /** Inserts a granted permit (and takes its owner out of the wait queue). */
    void insertPermit(Connection c, String key, String owner, long token, long ttlMs) throws SQLException {
        update(c, insertPermit, key, owner, token, ttlMs);
    }

    /** Puts an owner in the wait queue of a full semaphore whose first permit expires in {@code remainingMs}. */
    void enqueuePermit(Connection c, String key, String owner, long remainingMs) throws SQLException {}

    /** Takes an owner out of a wait queue; the entries removed. */
    int leaveQueue(Connection c, LeaseKind kind, String key, String owner) throws SQLException {
        return 0;
    }

    /** The insert of {@link #writeState()} before its conflict clause. */
    String insertStateSelect() {
        return "INSERT INTO " + state + " (name, state_value, token, expires_at) SELECT l.name, ?, l.token, " + now
                + " + ?" + guard;
    }

    static List<String> plus(List<String> list, String more) {
        List<String> out = new ArrayList<>(list);
        out.add(more);
        return List.copyOf(out);
    }
}
