/**
 * Locksmith on a relational database through JDBC: PostgreSQL, MariaDB/MySQL, SQLite and H2.
 * Use {@link dev.locksmith.jdbc.JdbcBackend#builder(javax.sql.DataSource)} with your own {@code
 * DataSource}, or a {@code jdbc:} URI with {@code Locksmith.connect}.
 */
module dev.locksmith.jdbc {
    requires transitive dev.locksmith.core;
    requires transitive java.sql;
    requires static org.postgresql.jdbc;

    exports dev.locksmith.jdbc;

    provides dev.locksmith.spi.BackendProvider with
            dev.locksmith.jdbc.JdbcBackendProvider;
}
