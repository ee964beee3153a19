package dev.locksmith.jdbc.contract;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.BadInputContract;
import org.junit.jupiter.api.AfterAll;

class MariadbBadInputContractIT extends BadInputContract {
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
