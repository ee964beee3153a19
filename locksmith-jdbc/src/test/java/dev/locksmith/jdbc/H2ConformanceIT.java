package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.spi.Capabilities;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** H2 2.x in memory: the conformance suite and the store-level tests. */
class H2ConformanceIT extends JdbcConformance {
    static final TestDatabase DB = TestDatabase.h2();

    @Override
    TestDatabase db() {
        return DB;
    }

    @AfterAll
    static void dropTables() throws Exception {
        DB.drop();
    }

    @Nested
    class H2 extends StoreTest {
        @Override
        protected String url() {
            return "jdbc:h2:mem:locksmith_it;DB_CLOSE_DELAY=-1";
        }

        @Test
        void detectsH2() {
            assertThat(backend.databaseName()).isEqualTo("H2");
            assertThat(Capabilities.of(backend).releaseNotifications()).isFalse();
            assertThat(backend.role(dev.locksmith.spi.WaitQueue.class)).isEmpty();
        }
    }
}
