package dev.locksmith.jdbc;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/** SQLite: a busy timeout on every connection, and WAL so that several processes share the file. */
final class SqliteDialect extends Dialect {
    private static final System.Logger LOG = System.getLogger(SqliteDialect.class.getName());

    private final Duration busyTimeout;

    SqliteDialect(String prefix, Duration busyTimeout) {
        super("SQLite", prefix, "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)");
        this.busyTimeout = busyTimeout;
    }

    @Override
    String[] types() {
        return new String[] {"TEXT", "BLOB", "INTEGER", ""};
    }

    @Override
    void prepare(Connection c, boolean first) throws SQLException {
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

    @Override
    String insertIfAbsent(String into, String values) {
        return "INSERT INTO " + into + " VALUES (" + values + ") ON CONFLICT (name) DO NOTHING";
    }

    @Override
    boolean transientCode(SQLException e) {
        int primary = e.getErrorCode() & 0xff;
        return primary == 5 || primary == 6; // SQLITE_BUSY, SQLITE_LOCKED
    }

    @Override
    String writeState() {
        return insertStateSelect() + " ON CONFLICT (name) DO UPDATE SET state_value = excluded.state_value, token"
                + " = excluded.token, expires_at = excluded.expires_at WHERE " + state + ".token <= excluded.token";
    }
}
