package dev.locksmith.jdbc.contract;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.ExpiryContract;
import org.junit.jupiter.api.AfterAll;

class MariadbExpiryContractIT extends ExpiryContract {
    static final TestDatabase DB = TestDatabase.mariadb();

    @Override
    protected Locksmith.Builder clientBuilder() {
        return DB.clientBuilder();
    }

    @AfterAll
    static void dropTables() throws Exception {
        DB.drop();
    }
}
