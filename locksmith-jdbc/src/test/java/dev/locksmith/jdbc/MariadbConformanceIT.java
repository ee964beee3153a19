package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** MariaDB (InnoDB): the conformance suite and the store-level tests. */
class MariadbConformanceIT extends JdbcConformance {
    static final TestDatabase DB = TestDatabase.mariadb();

    @Override
    TestDatabase db() {
        return DB;
    }

    @AfterAll
    static void dropTables() throws Exception {
        DB.drop();
    }

    @Nested
    class Mariadb extends StoreTest {
        @Test
        void detectsMariadb() {
            assertThat(backend.databaseName()).isEqualTo("MariaDB");
            assertThat(backend.role(dev.locksmith.spi.ReleaseFeed.class)).isEmpty();
            assertThat(backend.role(dev.locksmith.spi.WaitQueue.class)).isEmpty();
            assertThat(backend.role(dev.locksmith.spi.GuardedStore.class)).isPresent();
            assertThat(backend.role(dev.locksmith.spi.OperatorActions.class)).isPresent();
        }
    }
}
