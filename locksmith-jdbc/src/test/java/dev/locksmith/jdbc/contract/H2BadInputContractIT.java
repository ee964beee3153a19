package dev.locksmith.jdbc.contract;

import dev.locksmith.Locksmith;
import dev.locksmith.testkit.BadInputContract;
import org.junit.jupiter.api.AfterAll;

class H2BadInputContractIT extends BadInputContract {
    static final TestDatabase DB = TestDatabase.h2();

    @Override
    protected Locksmith.Builder clientBuilder() {
        return DB.clientBuilder();
    }

    @AfterAll
    static void dropTables() throws Exception {
        DB.drop();
    }
}
