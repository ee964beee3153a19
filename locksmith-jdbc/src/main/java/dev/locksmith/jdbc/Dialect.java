package dev.locksmith.jdbc;

import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * The SQL of one database family for one table prefix. Every time value in the tables is a count
 * of milliseconds since the epoch by the database's clock ({@link #now}), so that expiry is judged
 * by the server and every dialect keeps millisecond precision.
 */
final class Dialect {

    /** The database families this backend speaks. */
    enum Kind {
        POSTGRESQL("PostgreSQL"),
        MARIADB("MariaDB"),
        MYSQL("MySQL"),
        SQLITE("SQLite"),
        H2("H2");

        final String displayName;

        Kind(String displayName) {
            this.displayName = displayName;
        }

        static Kind detect(DatabaseMetaData meta) throws SQLException {
            String product = meta.getDatabaseProductName();
            String p = product == null ? "" : product.toLowerCase(Locale.ROOT);
            if (p.contains("postgres")) {
                return POSTGRESQL;
            }
            if (p.contains("mariadb")) {
                return MARIADB;
            }
            if (p.contains("mysql")) {
                // MariaDB servers reached through a MySQL driver report "MySQL" with a MariaDB version
                String version = meta.getDatabaseProductVersion();
                return version != null && version.toLowerCase(Locale.ROOT).contains("mariadb") ? MARIADB : MYSQL;
            }
            if (p.contains("sqlite")) {
                return SQLITE;
            }
            if (p.equals("h2")) {
                return H2;
            }
            throw new IllegalArgumentException("unsupported database '" + product
                    + "': locksmith-jdbc supports PostgreSQL, MariaDB/MySQL, SQLite and H2");
        }
    }

    final Kind kind;
    final String locks;
    final String permits;
    final String state;
    /** The wait queue table (PostgreSQL only). */
    final String queueTable;
    /**
     * Whether the wait queue is in use: PostgreSQL with notifications on and the queue table
     * present. Acquisitions then take their owner out of the queue, queued attempts put it in, and
     * a release names the first live queued owner in its notification.
     */
    final boolean queue;

    private final String prefix;
    /** The PostgreSQL notification channel (lower case, as PostgreSQL folds identifiers). */
    final String channel;
    /** The database's current time in epoch milliseconds, as an SQL expression. */
    final String now;

    Dialect(Kind kind, String prefix) {
        this(kind, prefix, kind == Kind.POSTGRESQL);
    }

    private Dialect(Kind kind, String prefix, boolean queue) {
        this.kind = kind;
        this.prefix = prefix;
        this.queue = queue && kind == Kind.POSTGRESQL;
        this.queueTable = prefix + "queue";
        this.locks = prefix + "locks";
        this.permits = prefix + "permits";
        this.state = prefix + "state";
        this.channel = (prefix + "release").toLowerCase(Locale.ROOT);
        this.now = switch (kind) {
            case POSTGRESQL -> "(extract(epoch from statement_timestamp()) * 1000)::bigint";
            case MARIADB, MYSQL -> "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)";
            case SQLITE -> "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";
            case H2 -> "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)";
        };
    }

    /** This dialect without the wait queue: releases name nobody, as before the queue existed. */
    Dialect withoutQueue() {
        return queue ? new Dialect(kind, prefix, false) : this;
    }

    boolean isMySqlFamily() {
        return kind == Kind.MARIADB || kind == Kind.MYSQL;
    }

    // ---- schema

    List<String> ddl() {
        String text;
        String bytes;
        String suffix;
        switch (kind) {
            case POSTGRESQL -> {
                text = "VARCHAR(255)";
                bytes = "BYTEA";
                suffix = "";
            }
            case MARIADB, MYSQL -> {
                text = "VARCHAR(255)";
                bytes = "LONGBLOB";
                // binary, no-pad collation: names are case- and trailing-space-sensitive
                suffix = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE="
                        + (kind == Kind.MYSQL ? "utf8mb4_0900_bin" : "utf8mb4_nopad_bin");
            }
            case SQLITE -> {
                text = "TEXT";
                bytes = "BLOB";
                suffix = "";
            }
            default -> {
                text = "VARCHAR(255)";
                bytes = "VARBINARY";
                suffix = "";
            }
        }
        String big = kind == Kind.SQLITE ? "INTEGER" : "BIGINT";
        String integer = "INTEGER";
        List<String> out = new java.util.ArrayList<>(List.of(
                "CREATE TABLE IF NOT EXISTS " + locks + " (name " + text + " NOT NULL PRIMARY KEY, owner " + text
                        + ", token " + big + " NOT NULL, fence " + big + " NOT NULL, expires_at " + big
                        + " NOT NULL, max_permits " + integer + " NOT NULL)" + suffix,
                "CREATE TABLE IF NOT EXISTS " + permits + " (name " + text + " NOT NULL, owner " + text
                        + " NOT NULL, token " + big + " NOT NULL, expires_at " + big
                        + " NOT NULL, PRIMARY KEY (name, owner))" + suffix,
                "CREATE TABLE IF NOT EXISTS " + state + " (name " + text + " NOT NULL PRIMARY KEY, state_value " + bytes
                        + " NOT NULL, token " + big + " NOT NULL, expires_at " + big + ")" + suffix));
        if (kind == Kind.POSTGRESQL) {
            // the wait queue: kind 'L' or 'P', expiry by the database clock, seq for arrival order
            out.add("CREATE TABLE IF NOT EXISTS " + queueTable + " (name " + text + " NOT NULL, kind CHAR(1) NOT NULL,"
                    + " owner " + text + " NOT NULL, expires_at " + big + " NOT NULL, seq BIGSERIAL NOT NULL,"
                    + " PRIMARY KEY (name, kind, owner))");
        }
        return List.copyOf(out);
    }

    // ---- locks

    /**
     * Takes a free, expired or own lock in one statement. Params: owner, owner, owner, ttlMs, key,
     * owner. A new grant takes {@code fence + 1}; the same live owner keeps its token. The column
     * order matters for MariaDB/MySQL, which assign left to right: token and fence read the old
     * owner and expiry, which are assigned last.
     */
    String acquireUpdate() {
        String update = "UPDATE " + locks + " SET token = CASE WHEN owner = ? AND expires_at > " + now
                + " THEN token ELSE fence + 1 END, fence = CASE WHEN owner = ? AND expires_at > " + now
                + " THEN fence ELSE fence + 1 END, owner = ?, expires_at = " + now + " + ? WHERE name = ? AND"
                + " (owner IS NULL OR expires_at <= " + now + " OR owner = ?)";
        if (queue) {
            // a grant takes the owner out of the wait queue, in the same statement
            return "WITH g AS (" + update + " RETURNING token), d AS (DELETE FROM " + queueTable
                    + " WHERE name = ? AND kind = 'L' AND owner = ? AND EXISTS (SELECT 1 FROM g)) SELECT token FROM g";
        }
        return switch (kind) {
            case POSTGRESQL, SQLITE -> update + " RETURNING token";
            case H2 -> "SELECT token FROM FINAL TABLE (" + update + ")";
            case MARIADB, MYSQL -> update; // followed by selectToken() in the same transaction
        };
    }

    /** The parameters of {@link #acquireUpdate()}. */
    Object[] acquireParams(String key, String owner, long ttlMs) {
        return queue
                ? new Object[] {owner, owner, owner, ttlMs, key, owner, key, owner}
                : new Object[] {owner, owner, owner, ttlMs, key, owner};
    }

    /** Whether {@link #acquireUpdate()} returns the token itself (else: update, select, commit). */
    boolean acquireReturnsToken() {
        return !isMySqlFamily();
    }

    String selectLockToken() {
        return "SELECT token FROM " + locks + " WHERE name = ?";
    }

    /**
     * Creates the row of a never-seen key as a grant with token 1, or does nothing if the row
     * exists. Params: key, owner, ttlMs.
     */
    String insertLock() {
        return insertIfAbsent(
                locks + " (name, owner, token, fence, expires_at, max_permits)", "?, ?, 1, 1, " + now + " + ?, 0");
    }

    /** Creates the counter row of a key without a grant. Params: key, maxPermits. */
    String insertFence() {
        return insertIfAbsent(locks + " (name, owner, token, fence, expires_at, max_permits)", "?, NULL, 0, 0, 0, ?");
    }

    private String insertIfAbsent(String into, String values) {
        return switch (kind) {
            case POSTGRESQL, SQLITE -> "INSERT INTO " + into + " VALUES (" + values + ") ON CONFLICT (name) DO NOTHING";
            case MARIADB, MYSQL -> "INSERT IGNORE INTO " + into + " VALUES (" + values + ")";
            // a duplicate key is caught as "not inserted" (it does not abort an H2 transaction)
            case H2 -> "INSERT INTO " + into + " VALUES (" + values + ")";
        };
    }

    /** Params: key. Columns: owner, remaining ms. */
    String selectHolder() {
        return "SELECT owner, expires_at - " + now + " FROM " + locks + " WHERE name = ?";
    }

    /**
     * The holder of a lock, putting {@code owner} in the key's wait queue (or keeping its place
     * there) when the lock is held, in one statement: the entry lapses at the holder's remaining
     * lease plus {@code slackMs}. Params: key, owner, slackMs. Columns: owner, remaining ms.
     */
    String selectHolderQueueing() {
        return "WITH h AS (SELECT name, owner, expires_at - " + now + " AS remaining FROM " + locks
                + " WHERE name = ?), i AS (INSERT INTO " + queueTable + " (name, kind, owner, expires_at) SELECT"
                + " h.name, 'L', ?, " + now + " + h.remaining + ? FROM h WHERE h.owner IS NOT NULL AND h.remaining > 0"
                + onConflictKeepPlace() + ") SELECT owner, remaining FROM h";
    }

    /** A queued owner keeps its place (seq) and the later of its two lapse times. */
    private String onConflictKeepPlace() {
        return " ON CONFLICT (name, kind, owner) DO UPDATE SET expires_at = GREATEST(" + queueTable
                + ".expires_at, EXCLUDED.expires_at)";
    }

    /** Puts an owner in the wait queue or keeps its place. Params: key, kind, owner, lapse ms from now. */
    String enqueue() {
        return "INSERT INTO " + queueTable + " (name, kind, owner, expires_at) VALUES (?, ?, ?, " + now + " + ?)"
                + onConflictKeepPlace();
    }

    /** Params: key, kind, owner. */
    String leaveQueue() {
        return "DELETE FROM " + queueTable + " WHERE name = ? AND kind = ? AND owner = ?";
    }

    /**
     * The notifying tail of a release whose CTE {@code r} returns the released name: drops the
     * key's lapsed queue entries, takes the first live one out (arrival order) and publishes
     * {@code <kind><key>} plus, if an owner was taken, {@code \n<owner>}; all in the releasing
     * statement, so nothing is published or dequeued unless the release commits.
     */
    private String notifyNext(String kindCode) {
        String name = "(SELECT name FROM r)";
        return ", x AS (DELETE FROM " + queueTable + " WHERE name = " + name + " AND kind = '" + kindCode
                + "' AND expires_at <= " + now + "), n AS (DELETE FROM " + queueTable + " WHERE name = " + name
                + " AND kind = '" + kindCode + "' AND owner = (SELECT q.owner FROM " + queueTable + " q WHERE q.name = "
                + name + " AND q.kind = '" + kindCode + "' AND q.expires_at > " + now
                + " ORDER BY q.seq LIMIT 1) RETURNING owner) SELECT pg_notify('" + channel + "', '" + kindCode
                + "' || r.name || COALESCE(chr(10) || (SELECT owner FROM n), '')) FROM r";
    }

    /** Params: ttlMs, key, owner. */
    String extendLock() {
        return "UPDATE " + locks + " SET expires_at = " + now + " + ? WHERE name = ? AND owner = ? AND expires_at > "
                + now;
    }

    /**
     * Params: key, owner. On PostgreSQL a query whose rows are the released keys, notifying
     * listeners in the same statement; elsewhere an update.
     */
    String releaseLock() {
        String update = "UPDATE " + locks + " SET owner = NULL, expires_at = 0 WHERE name = ? AND owner = ? AND"
                + " expires_at > " + now;
        if (kind == Kind.POSTGRESQL) {
            return queue
                    ? "WITH r AS (" + update + " RETURNING name)" + notifyNext("L")
                    : "WITH r AS (" + update + " RETURNING name) SELECT pg_notify('" + channel
                            + "', 'L' || r.name) FROM r";
        }
        return update;
    }

    /** Params: key. Columns: owner, token, remaining ms. */
    String inspectLock() {
        return "SELECT owner, token, expires_at - " + now + " FROM " + locks + " WHERE name = ? AND owner IS NOT"
                + " NULL AND expires_at > " + now;
    }

    /** Params: LIKE pattern. Columns: name, owner, token, remaining ms. */
    String listLocks() {
        return "SELECT name, owner, token, expires_at - " + now + " FROM " + locks + " WHERE name LIKE ? ESCAPE '!'"
                + " AND owner IS NOT NULL AND expires_at > " + now;
    }

    /** Params: LIKE pattern. Columns: name, owner, token, remaining ms. */
    String listPermits() {
        return "SELECT name, owner, token, expires_at - " + now + " FROM " + permits + " WHERE name LIKE ? ESCAPE"
                + " '!' AND expires_at > " + now;
    }

    // ---- semaphores and counters

    /**
     * Locks the counter row of a key for the rest of the transaction (a write, so that SQLite
     * takes its write lock before any read). Params: maxPermits, key.
     */
    String lockFenceSettingMax() {
        return "UPDATE " + locks + " SET max_permits = ? WHERE name = ?";
    }

    /** Params: key. */
    String lockFence() {
        return "UPDATE " + locks + " SET max_permits = max_permits WHERE name = ?";
    }

    /** Params: key. */
    String bumpFence() {
        return "UPDATE " + locks + " SET fence = fence + 1 WHERE name = ?";
    }

    /** Params: key. */
    String selectFence() {
        return "SELECT fence FROM " + locks + " WHERE name = ?";
    }

    /** Params: key. */
    String deleteExpiredPermits() {
        return "DELETE FROM " + permits + " WHERE name = ? AND expires_at <= " + now;
    }

    /** Params: key. Columns: owner, token, remaining ms. */
    String selectPermits() {
        return "SELECT owner, token, expires_at - " + now + " FROM " + permits + " WHERE name = ? AND expires_at > "
                + now + " ORDER BY token";
    }

    /** Params: key. */
    String selectMaxPermits() {
        return "SELECT max_permits FROM " + locks + " WHERE name = ?";
    }

    /**
     * Params: key, owner, token, ttlMs; with the queue first key, owner again (the grant takes the
     * owner out of the wait queue in the same statement).
     */
    String insertPermit() {
        if (queue) {
            return "WITH d AS (DELETE FROM " + queueTable + " WHERE name = ? AND kind = 'P' AND owner = ?) INSERT INTO "
                    + permits + " (name, owner, token, expires_at) VALUES (?, ?, ?, " + now + " + ?)";
        }
        return "INSERT INTO " + permits + " (name, owner, token, expires_at) VALUES (?, ?, ?, " + now + " + ?)";
    }

    /** Params: ttlMs, key, owner. */
    String extendPermit() {
        return "UPDATE " + permits + " SET expires_at = " + now + " + ? WHERE name = ? AND owner = ? AND"
                + " expires_at > " + now;
    }

    /** Params: key, owner. Like {@link #releaseLock()}. */
    String releasePermit() {
        String delete = "DELETE FROM " + permits + " WHERE name = ? AND owner = ? AND expires_at > " + now;
        if (kind == Kind.POSTGRESQL) {
            return queue
                    ? "WITH r AS (" + delete + " RETURNING name)" + notifyNext("P")
                    : "WITH r AS (" + delete + " RETURNING name) SELECT pg_notify('" + channel
                            + "', 'P' || r.name) FROM r";
        }
        return delete;
    }

    /** Params: key. */
    String clearLock() {
        return "UPDATE " + locks + " SET owner = NULL, expires_at = 0 WHERE name = ?";
    }

    /** Params: key. */
    String deletePermits() {
        return "DELETE FROM " + permits + " WHERE name = ?";
    }

    /** Params: payload. */
    String notifyRelease() {
        return "SELECT pg_notify('" + channel + "', ?)";
    }

    // ---- guarded state

    /** Params: key. Columns: value, token. */
    String readState() {
        return "SELECT state_value, token FROM " + state + " WHERE name = ? AND (expires_at IS NULL OR expires_at > "
                + now + ")";
    }

    /**
     * Writes the value only if the lock row shows the owner and token live, and never over a value
     * written with a newer token. Params: see {@link JdbcBackend#writeState}: value, ttlMs (nullable),
     * key, owner, token; H2 takes key, owner, token, value, ttlMs, value, ttlMs.
     */
    String writeState() {
        String guard =
                " FROM " + locks + " l WHERE l.name = ? AND l.owner = ? AND l.token = ? AND l.expires_at > " + now;
        String select = "SELECT l.name, ?, l.token, " + now + " + ?" + guard;
        String into = "INSERT INTO " + state + " (name, state_value, token, expires_at) ";
        return switch (kind) {
            // FOR SHARE: a concurrent re-grant waits for this statement, and the guard is re-checked
            case POSTGRESQL ->
                into + select + " FOR SHARE ON CONFLICT (name) DO UPDATE SET state_value ="
                        + " EXCLUDED.state_value, token = EXCLUDED.token, expires_at = EXCLUDED.expires_at WHERE "
                        + state
                        + ".token <= EXCLUDED.token";
            case SQLITE ->
                into + select + " ON CONFLICT (name) DO UPDATE SET state_value = excluded.state_value, token"
                        + " = excluded.token, expires_at = excluded.expires_at WHERE " + state
                        + ".token <= excluded.token";
            // left-to-right assignment: token last, as the conditions read the old token
            case MARIADB, MYSQL ->
                into + select + " ON DUPLICATE KEY UPDATE state_value = IF(" + state
                        + ".token <= VALUES(token), VALUES(state_value), " + state + ".state_value), expires_at = IF("
                        + state + ".token <= VALUES(token), VALUES(expires_at), " + state + ".expires_at), token = IF("
                        + state + ".token <= VALUES(token), VALUES(token), " + state + ".token)";
            case H2 ->
                "MERGE INTO " + state + " t USING (SELECT l.name AS name, l.token AS token" + guard
                        + ") s ON (t.name = s.name) WHEN MATCHED AND t.token <= s.token THEN UPDATE SET state_value = ?,"
                        + " token = s.token, expires_at = " + now
                        + " + ? WHEN NOT MATCHED THEN INSERT (name, state_value,"
                        + " token, expires_at) VALUES (s.name, ?, s.token, " + now + " + ?)";
        };
    }

    /** Params: key. Columns: token. */
    String selectStateToken() {
        return "SELECT token FROM " + state + " WHERE name = ?";
    }

    /** Checks that the table exists and has the expected columns. */
    List<String> probes() {
        List<String> out = new java.util.ArrayList<>(List.of(
                "SELECT name, owner, token, fence, expires_at, max_permits FROM " + locks + " WHERE 1 = 0",
                "SELECT name, owner, token, expires_at FROM " + permits + " WHERE 1 = 0",
                "SELECT name, state_value, token, expires_at FROM " + state + " WHERE 1 = 0"));
        if (kind == Kind.POSTGRESQL) {
            out.add(queueProbe());
        }
        return List.copyOf(out);
    }

    /** Checks that the wait queue table exists and has the expected columns. */
    String queueProbe() {
        return "SELECT name, kind, owner, expires_at, seq FROM " + queueTable + " WHERE 1 = 0";
    }

    /** The tables: locks, permits, state, and on PostgreSQL the wait queue. */
    List<String> tables() {
        return kind == Kind.POSTGRESQL ? List.of(locks, permits, state, queueTable) : List.of(locks, permits, state);
    }
}
