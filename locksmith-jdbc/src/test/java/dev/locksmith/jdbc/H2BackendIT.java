package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class H2BackendIT extends AbstractBackendIT {
    @Override
    protected String url() {
        return "jdbc:h2:mem:locksmith_it;DB_CLOSE_DELAY=-1";
    }

    @Test
    void detectsH2() {
        assertThat(backend.databaseName()).isEqualTo("H2");
        assertThat(dev.locksmith.spi.Capabilities.of(backend).releaseNotifications())
                .isFalse();
    }
}
