package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MariadbBackendIT extends AbstractBackendIT {
    static final String URL = "jdbc:mariadb://127.0.0.1:3306/test?user=root";

    @Override
    protected String url() {
        return URL;
    }

    @Test
    void detectsMariadb() {
        assertThat(backend.databaseName()).isEqualTo("MariaDB");
    }
}
