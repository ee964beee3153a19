package dev.locksmith.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;

/** Where the backend gets its connections: the user's {@code DataSource}, or a pool it owns. */
interface ConnectionSource extends AutoCloseable {

    /** A connection; a non-null {@code timeout} bounds the wait for a free one in a pool. */
    Connection borrow(Duration timeout) throws SQLException;

    /** Gives a connection back; a broken one is discarded. */
    void giveBack(Connection connection, boolean broken);

    /** A connection for the backend's exclusive, long use (the PostgreSQL listener). */
    default Connection openDedicated() throws SQLException {
        return borrow(null);
    }

    /** Closes what this source created; never the user's {@code DataSource}. */
    @Override
    default void close() {}

    /** The user's {@code DataSource}: borrowed connections go back through {@code close()}. */
    static ConnectionSource of(DataSource dataSource) {
        Objects.requireNonNull(dataSource, "dataSource");
        return new ConnectionSource() {
            @Override
            public Connection borrow(Duration timeout) throws SQLException {
                return dataSource.getConnection();
            }

            @Override
            public void giveBack(Connection connection, boolean broken) {
                SqlExecutor.closeQuietly(connection);
            }
        };
    }
}
