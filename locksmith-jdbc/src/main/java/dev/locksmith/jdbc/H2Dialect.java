package dev.locksmith.jdbc;

import static dev.locksmith.jdbc.SqlExecutor.queryLong;

import java.sql.Connection;
import java.sql.SQLException;

/** H2 2.x: {@code FINAL TABLE} for the granted token, no insert-or-ignore, {@code MERGE} for state. */
final class H2Dialect extends Dialect {

    H2Dialect(String prefix) {
        super("H2", prefix, "CAST(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP) * 1000 AS BIGINT)");
    }

    @Override
    String[] types() {
        return new String[] {"VARCHAR(255)", "VARBINARY", "BIGINT", ""};
    }

    @Override
    Long grant(Connection c, String key, String owner, long ttlMs) throws SQLException {
        return queryLong(
                c, "SELECT token FROM FINAL TABLE (" + acquireUpdate + ")", owner, owner, owner, ttlMs, key, owner);
    }

    /** A plain insert: a duplicate key is caught as "not inserted" (it does not abort an H2 transaction). */
    @Override
    String insertIfAbsent(String into, String values) {
        return "INSERT INTO " + into + " VALUES (" + values + ")";
    }

    @Override
    boolean inserted(Connection c, String sql, Object... params) throws SQLException {
        try {
            return super.inserted(c, sql, params);
        } catch (SQLException e) {
            if ("23505".equals(e.getSQLState())) { // someone else created the row
                return false;
            }
            throw e;
        }
    }

    @Override
    boolean transientCode(SQLException e) {
        return e.getErrorCode() == 50200 || e.getErrorCode() == 40001; // lock timeout, deadlock
    }

    @Override
    String writeState() {
        return "MERGE INTO " + state + " t USING (SELECT l.name AS name, l.token AS token" + guard
                + ") s ON (t.name = s.name) WHEN MATCHED AND t.token <= s.token THEN UPDATE SET state_value = ?,"
                + " token = s.token, expires_at = " + now + " + ? WHEN NOT MATCHED THEN INSERT (name, state_value,"
                + " token, expires_at) VALUES (s.name, ?, s.token, " + now + " + ?)";
    }

    @Override
    Object[] writeStateParams(String key, String owner, long token, byte[] value, Object ttl) {
        return new Object[] {key, owner, token, value, ttl, value, ttl};
    }
}
