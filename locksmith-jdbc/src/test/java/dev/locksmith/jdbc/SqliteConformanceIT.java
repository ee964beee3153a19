package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** SQLite in a file: the conformance suite and the store-level tests. */
class SqliteConformanceIT extends JdbcConformance {
    static final TestDatabase DB = TestDatabase.sqlite();

    @Override
    TestDatabase db() {
        return DB;
    }

    @AfterAll
    static void dropTables() throws Exception {
        DB.drop();
    }

    @Nested
    class Sqlite extends StoreTest {
        @Test
        void detectsSqliteInWalMode() throws Exception {
            assertThat(backend.databaseName()).isEqualTo("SQLite");
            try (var c = java.sql.DriverManager.getConnection(url());
                    var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
            }
        }
    }
}
