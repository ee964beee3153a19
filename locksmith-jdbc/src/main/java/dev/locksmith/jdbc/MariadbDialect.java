package dev.locksmith.jdbc;

import static dev.locksmith.jdbc.SqlExecutor.inTransaction;
import static dev.locksmith.jdbc.SqlExecutor.queryLong;
import static dev.locksmith.jdbc.SqlExecutor.update;

import java.sql.Connection;
import java.sql.SQLException;

/** MariaDB and MySQL (InnoDB): no {@code UPDATE ... RETURNING}, and left-to-right assignment. */
final class MariadbDialect extends Dialect {
    private final boolean mysql;

    MariadbDialect(String prefix, boolean mysql) {
        super(
                mysql ? "MySQL" : "MariaDB",
                prefix,
                "(TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', UTC_TIMESTAMP(6)) DIV 1000)");
        this.mysql = mysql;
    }

    @Override
    boolean networkTimeouts() {
        return true;
    }

    @Override
    String[] types() {
        // binary, no-pad collation: names are case- and trailing-space-sensitive
        return new String[] {
            "VARCHAR(255)",
            "LONGBLOB",
            "BIGINT",
            " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=" + (mysql ? "utf8mb4_0900_bin" : "utf8mb4_nopad_bin")
        };
    }

    @Override
    String insertIfAbsent(String into, String values) {
        return "INSERT IGNORE INTO " + into + " VALUES (" + values + ")";
    }

    /** Updates and reads the token under the row lock, in one short transaction. */
    @Override
    Long grant(Connection c, String key, String owner, long ttlMs) throws SQLException {
        return inTransaction(
                c,
                () -> SqlExecutor.Tx.commit(
                        update(c, acquireUpdate, owner, owner, owner, ttlMs, key, owner) > 0
                                ? queryLong(c, selectLockToken, key)
                                : null));
    }

    @Override
    boolean transientCode(SQLException e) {
        return e.getErrorCode() == 1205 || e.getErrorCode() == 1213; // lock wait timeout, deadlock
    }

    // left-to-right assignment: token last, as the conditions read the old token
    @Override
    String writeState() {
        String newer = "IF(" + state + ".token <= VALUES(token), ";
        return insertStateSelect() + " ON DUPLICATE KEY UPDATE state_value = " + newer + "VALUES(state_value), "
                + state + ".state_value), expires_at = " + newer + "VALUES(expires_at), " + state
                + ".expires_at), token = " + newer + "VALUES(token), " + state + ".token)";
    }
}
