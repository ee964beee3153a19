package dev.locksmith.jdbc;

import dev.locksmith.BackendException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Opening a backend on a connection: detects the database, creates or checks the tables. */
final class Schema {
    private static final System.Logger LOG = System.getLogger(Schema.class.getName());

    private Schema() {}

    /** The dialect of the database, with its tables created or checked. */
    static Dialect open(SqlExecutor sql, JdbcOptions options) {
        try {
            return sql.once(c -> open(c, options));
        } catch (SQLException e) {
            String message = "cannot open the JDBC backend: " + e.getMessage() + " (SQLState " + e.getSQLState() + ")";
            throw new BackendException(null, message, e, SqlExecutor.isConnectionFailure(e));
        } catch (IllegalArgumentException e) {
            throw new BackendException(e.getMessage(), e); // an unsupported database
        }
    }

    private static Dialect open(Connection c, JdbcOptions options) throws SQLException {
        Dialect d = Dialect.detect(c.getMetaData(), options);
        d.prepare(c, true);
        if (options.createSchema()) {
            create(c, d);
        }
        List<String> probes = d.probes();
        for (int i = 0; i < 3; i++) { // the wait queue table (4th, PostgreSQL) is optional: see below
            try (Statement s = c.createStatement()) {
                s.executeQuery(probes.get(i)).close();
            } catch (SQLException e) {
                String hint = options.createSchema()
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
        // without the queue table (schema managed by hand, not yet migrated) the backend works as
        // before the queue existed: a release names no waiter
        if (d.queue() && !exists(c, probes.get(3))) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "table " + d.tables().get(3) + " is missing or lacks columns: releases wake one waiter in every"
                            + " client instead of the next queued one (create it with the DDL in"
                            + " docs/backends/jdbc.md)");
            return d.withoutQueue();
        }
        return d;
    }

    private static void create(Connection c, Dialect d) throws SQLException {
        List<String> ddl = d.ddl();
        for (int i = 0; i < ddl.size(); i++) {
            try (Statement s = c.createStatement()) {
                s.execute(ddl.get(i));
            } catch (SQLException e) {
                // a concurrent creator may win the race on PostgreSQL (duplicate type): fine if it exists now
                if (!exists(c, d.probes().get(i))) {
                    throw e;
                }
            }
        }
    }

    private static boolean exists(Connection c, String probe) {
        try (Statement s = c.createStatement()) {
            s.executeQuery(probe).close();
            return true;
        } catch (SQLException e) {
            return false;
        }
    }
}
