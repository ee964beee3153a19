package dev.locksmith.jdbc.contract;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.ExpiryContract;
import org.junit.jupiter.api.AfterAll;

class SqliteExpiryContractIT extends ExpiryContract {
    static final TestDatabase DB = TestDatabase.sqlite();

    @Override
    protected Locksmith.Builder clientBuilder() {
        return DB.clientBuilder();
    }

    @AfterAll
    static void dropTables() throws Exception {
        DB.drop();
    }
}
