package dev.locksmith.jdbc;

import dev.locksmith.Locksmith;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/** One test class's tables: a random prefix on one of the four databases, dropped at the end. */
final class TestDatabase {
    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    static final String MARIADB = "jdbc:mariadb://127.0.0.1:3306/test?user=root";

    final String url;
    final String prefix;
    private final Path file;
    private final int port;

    private TestDatabase(String url, Path file, int port) {
        this.url = url;
        this.prefix = "lc" + UUID.randomUUID().toString().replace("-", "").substring(0, 10) + "_";
        this.file = file;
        this.port = port;
    }

    static TestDatabase postgres() {
        return new TestDatabase(POSTGRES, null, 5432);
    }

    static TestDatabase mariadb() {
        return new TestDatabase(MARIADB, null, 3306);
    }

    static TestDatabase h2() {
        return new TestDatabase("jdbc:h2:mem:locksmith_contract;DB_CLOSE_DELAY=-1", null, 0);
    }

    static TestDatabase sqlite() {
        try {
            Path f = Files.createTempFile("locksmith-contract", ".db");
            return new TestDatabase("jdbc:sqlite:" + f, f, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The URI a client connects with: the database URL plus this class's table prefix. */
    String uri() {
        String sep = url.startsWith("jdbc:h2:") ? ";" : url.contains("?") ? "&" : "?";
        return url + sep + "locksmith.tablePrefix=" + prefix;
    }

    Locksmith.Builder clientBuilder() {
        return Locksmith.builder().uri(uri());
    }

    /** The server's address, or {@code null} for an embedded database. */
    InetSocketAddress address() {
        return port == 0 ? null : new InetSocketAddress("127.0.0.1", port);
    }

    /** A client builder reaching the server at {@code 127.0.0.1:otherPort} (a proxy). */
    Locksmith.Builder clientBuilderVia(int otherPort) {
        return Locksmith.builder().uri(uri().replace("127.0.0.1:" + port, "127.0.0.1:" + otherPort));
    }

    void drop() throws SQLException, IOException {
        if (file != null) {
            for (String suffix : List.of("", "-wal", "-shm")) {
                Files.deleteIfExists(Path.of(file + suffix));
            }
            return;
        }
        dropTables(url, prefix);
    }

    static void dropTables(String url, String prefix) throws SQLException {
        try (Connection c = DriverManager.getConnection(url);
                Statement s = c.createStatement()) {
            for (String t : List.of("locks", "permits", "state", "queue")) {
                s.execute("DROP TABLE IF EXISTS " + prefix + t);
            }
        }
    }
}
