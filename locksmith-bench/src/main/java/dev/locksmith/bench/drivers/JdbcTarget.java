package dev.locksmith.bench.drivers;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** A JDBC URL (with credentials in it) and the helpers the SQL peers share. */
public record JdbcTarget(String url) {

    /** A pool of {@code size} connections, as an application would configure one. */
    public HikariDataSource pool(int size, String poolName) {
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(url);
        c.setMaximumPoolSize(size);
        c.setMinimumIdle(1);
        c.setPoolName(poolName);
        return new HikariDataSource(c);
    }

    /** Drops every table of the connection's schema whose name starts with {@code prefix}. */
    public void dropTablesStartingWith(String prefix) {
        java.util.List<String> tables = new java.util.ArrayList<>();
        try (HikariDataSource ds = pool(1, "bench-ddl");
                Connection c = ds.getConnection();
                java.sql.ResultSet rs =
                        c.getMetaData().getTables(c.getCatalog(), null, prefix + "%", new String[] {"TABLE"})) {
            while (rs.next()) {
                String name = rs.getString("TABLE_NAME");
                if (name.toLowerCase(java.util.Locale.ROOT).startsWith(prefix.toLowerCase(java.util.Locale.ROOT))) {
                    tables.add(name);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not list tables on " + url + ": " + e.getMessage(), e);
        }
        for (String t : tables) {
            execute("DROP TABLE IF EXISTS " + t);
        }
    }

    /** Runs DDL on a connection of its own. */
    public void execute(String sql) {
        try (HikariDataSource ds = pool(1, "bench-ddl");
                Connection c = ds.getConnection();
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("could not run '" + sql + "' on " + url + ": " + e.getMessage(), e);
        }
    }
}
