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
    /** The PostgreSQL notification channel (lower case, as PostgreSQL folds identifiers). */
    final String channel;
    /** The database's current time in epoch milliseconds, as an SQL expression. */
    final String now;

    Dialect(Kind kind, String prefix) {
        this.kind = kind;
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
        return List.of(
                "CREATE TABLE IF NOT EXISTS " + locks + " (name " + text + " NOT NULL PRIMARY KEY, owner " + text
                        + ", token " + big + " NOT NULL, fence " + big + " NOT NULL, expires_at " + big
                        + " NOT NULL, max_permits " + integer + " NOT NULL)" + suffix,
                "CREATE TABLE IF NOT EXISTS " + permits + " (name " + text + " NOT NULL, owner " + text
                        + " NOT NULL, token " + big + " NOT NULL, expires_at " + big
                        + " NOT NULL, PRIMARY KEY (name, owner))" + suffix,
                "CREATE TABLE IF NOT EXISTS " + state + " (name " + text + " NOT NULL PRIMARY KEY, state_value " + bytes
                        + " NOT NULL, token " + big + " NOT NULL, expires_at " + big + ")" + suffix);
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
        return switch (kind) {
            case POSTGRESQL, SQLITE -> update + " RETURNING token";
            case H2 -> "SELECT token FROM FINAL TABLE (" + update + ")";
            case MARIADB, MYSQL -> update; // followed by selectToken() in the same transaction
        };
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
            return "WITH r AS (" + update + " RETURNING name) SELECT pg_notify('" + channel
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

    /** Params: key, owner, token, ttlMs. */
    String insertPermit() {
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
            return "WITH r AS (" + delete + " RETURNING name) SELECT pg_notify('" + channel
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
        return List.of(
                "SELECT name, owner, token, fence, expires_at, max_permits FROM " + locks + " WHERE 1 = 0",
                "SELECT name, owner, token, expires_at FROM " + permits + " WHERE 1 = 0",
                "SELECT name, state_value, token, expires_at FROM " + state + " WHERE 1 = 0");
    }

    List<String> tables() {
        return List.of(locks, permits, state);
    }
}
