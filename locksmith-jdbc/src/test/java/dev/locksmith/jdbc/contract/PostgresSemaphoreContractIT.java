package dev.locksmith.jdbc.contract;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.SemaphoreContract;
import org.junit.jupiter.api.AfterAll;

class PostgresSemaphoreContractIT extends SemaphoreContract {
    static final TestDatabase DB = TestDatabase.postgres();

    @Override
    protected Locksmith.Builder clientBuilder() {
        return DB.clientBuilder();
    }

    @AfterAll
    static void dropTables() throws Exception {
        DB.drop();
    }
}
