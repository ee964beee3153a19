package dev.locksmith.jdbc.contract;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.LockContract;
import org.junit.jupiter.api.AfterAll;

class PostgresLockContractIT extends LockContract {
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
