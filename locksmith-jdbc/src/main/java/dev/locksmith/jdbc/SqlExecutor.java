package dev.locksmith.jdbc;

import dev.locksmith.BackendException;
import dev.locksmith.spi.support.Ttls;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLTransientException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Runs the backend's statements: borrows a connection, runs the work, gives the connection back
 * (discarding a broken one), and turns an {@link SQLException} into a {@link BackendException}
 * marked transient when trying again may succeed; it never retries or waits itself. Also the
 * statement and transaction helpers.
 */
final class SqlExecutor {
    private static final System.Logger LOG = System.getLogger(SqlExecutor.class.getName());
    /** Runs the driver's network-timeout bookkeeping on the calling thread. */
    private static final Executor DIRECT = Runnable::run;

    interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    interface TxWork<T> {
        Tx<T> run() throws SQLException;
    }

    /** A transaction's result and whether to commit it. */
    record Tx<T>(T value, boolean commit) {
        static <T> Tx<T> commit(T value) {
            return new Tx<>(value, true);
        }

        static <T> Tx<T> rollback(T value) {
            return new Tx<>(value, false);
        }
    }

    /** A typed SQL NULL for a BIGINT parameter. */
    enum NullLong {
        INSTANCE
    }

    private final ConnectionSource connections;

    SqlExecutor(ConnectionSource connections) {
        this.connections = connections;
    }

    /**
     * Runs {@code work} on a pooled connection, once: a failure is a {@link BackendException},
     * transient when trying again may succeed (the client then retries within the caller's
     * deadline; every operation here is safe to repeat). A non-null {@code timeout} bounds the wait
     * for a pooled connection and, where the dialect can, each read from the database; with a
     * {@code null} one nothing is added to the call.
     */
    <T> T run(Dialect dialect, String op, String key, Duration timeout, Work<T> work) {
        Connection c = null;
        boolean broken = false;
        int restore = -1;
        try {
            c = connections.borrow(timeout);
            if (timeout != null && dialect.networkTimeouts()) {
                restore = c.getNetworkTimeout();
                c.setNetworkTimeout(DIRECT, (int) Math.min(Integer.MAX_VALUE, Ttls.millisUp(timeout)));
            }
            if (!c.getAutoCommit()) {
                c.setAutoCommit(true);
            }
            dialect.prepare(c, false);
            return work.run(c);
        } catch (SQLException e) {
            broken = isConnectionFailure(e) || isClosed(c);
            String what = dialect.name + " " + op + (key == null ? "" : " of '" + key + "'");
            String message = what + " failed: " + e.getMessage() + " (SQLState " + e.getSQLState() + ", error "
                    + e.getErrorCode() + ")";
            throw new BackendException(key, message, e, broken || isTransient(dialect, e));
        } finally {
            if (c != null) {
                connections.giveBack(c, broken || (restore >= 0 && !setNetworkTimeout(c, restore)));
            }
        }
    }

    private static boolean setNetworkTimeout(Connection c, int millis) {
        try {
            c.setNetworkTimeout(DIRECT, millis);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Runs {@code work} on a connection held for the whole call (opening the backend). */
    <T> T once(Work<T> work) throws SQLException {
        Connection c = connections.borrow(null);
        boolean broken = true;
        try {
            T out = work.run(c);
            broken = false;
            return out;
        } finally {
            connections.giveBack(c, broken);
        }
    }

    /** Whether trying again may succeed: a lost connection, a serialization failure or deadlock, a busy database. */
    static boolean isTransient(Dialect dialect, SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String state = String.valueOf(s.getSQLState());
                if (s instanceof SQLTransientException
                        || isConnectionFailure(s)
                        || state.startsWith("40")
                        || dialect.transientCode(s)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A lost or refused connection (SQLState class 08, PostgreSQL's 57P operator interventions). */
    static boolean isConnectionFailure(SQLException e) {
        String state = String.valueOf(e.getSQLState());
        return e instanceof SQLRecoverableException
                || e instanceof SQLTransientConnectionException
                || state.startsWith("08")
                || state.startsWith("57P");
    }

    /** Whether the driver closed the connection after a fatal error (a killed session, a restart). */
    private static boolean isClosed(Connection c) {
        try {
            return c != null && c.isClosed();
        } catch (SQLException e) {
            return true;
        }
    }

    static <T> T inTransaction(Connection c, TxWork<T> work) throws SQLException {
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
            try {
                c.rollback();
            } catch (SQLException r) {
                LOG.log(System.Logger.Level.DEBUG, "rollback failed", r);
            }
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    static Long queryLong(Connection c, String sql, Object... params) throws SQLException {
        List<Long> rows = query(c, sql, rs -> rs.getLong(1), params);
        return rows.isEmpty() ? null : rows.get(0);
    }

    static <T> List<T> query(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) {
                out.add(row.read(rs));
            }
            return out;
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
            for (int i = 0; i < params.length; i++) {
                if (params[i] == NullLong.INSTANCE) {
                    ps.setNull(i + 1, Types.BIGINT);
                } else {
                    ps.setObject(i + 1, params[i]); // String, Long, Integer or byte[]
                }
            }
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "close failed", e);
        }
    }
}
