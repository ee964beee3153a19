package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SqliteBackendIT extends AbstractBackendIT {
    static Path dir;

    @BeforeAll
    static void createDir() throws IOException {
        dir = Files.createTempDirectory("locksmith-sqlite-it");
    }

    @AfterAll
    static void deleteDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    @Override
    protected String url() {
        return "jdbc:sqlite:" + dir.resolve("locks.db");
    }

    @Test
    void detectsSqliteInWalMode() throws Exception {
        assertThat(backend.databaseName()).isEqualTo("SQLite");
        try (var c = java.sql.DriverManager.getConnection(url());
                var rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
        }
    }
}
