/**
 * The JDBC backend: {@link dev.locksmith.jdbc.JdbcBackend} for a {@code DataSource} you own, and
 * {@link dev.locksmith.jdbc.JdbcBackendProvider} for {@code jdbc:} URIs.
 */
package dev.locksmith.jdbc;
