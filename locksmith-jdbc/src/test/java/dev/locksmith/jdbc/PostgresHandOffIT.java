package dev.locksmith.jdbc;

import dev.locksmith.spi.Backend;
import dev.locksmith.testkit.HandOffContract;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * Hand-offs between processes on PostgreSQL: each client has its own pool and its own {@code
 * LISTEN} connection, and a release names the first waiter of the key's queue in its notification.
 */
class PostgresHandOffIT extends HandOffContract {
    private final String prefix =
            "lh" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
    private List<String> tables = List.of();

    @Override
    protected Backend newBackend() {
        JdbcBackend backend = JdbcBackend.builder(new SimplePool(
                        TestDatabase.POSTGRES,
                        t -> new Properties(),
                        4,
                        Duration.ofSeconds(10),
                        dev.locksmith.TimeSource.system()))
                .tablePrefix(prefix)
                .build();
        tables = backend.tableNames();
        return backend;
    }

    @Override
    protected void cleanUp(String namespace) {
        try (Connection c = DriverManager.getConnection(TestDatabase.POSTGRES);
                Statement s = c.createStatement()) {
            for (String t : tables) {
                s.execute("DROP TABLE IF EXISTS " + t);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the test tables " + tables, e);
        }
    }
}
