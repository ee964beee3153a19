package dev.locksmith.jdbc;

import dev.locksmith.BackendException;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Opens a {@link JdbcBackend} for {@code jdbc:} URIs, such as {@code
 * jdbc:postgresql://127.0.0.1:5432/app?user=app&password=secret} or {@code
 * jdbc:sqlite:/var/lib/app/locks.db}. The URI is passed to the JDBC driver (which must be on the
 * class path) after removing these Locksmith parameters:
 *
 * <ul>
 *   <li>{@code locksmith.tablePrefix} (default {@code locksmith_})
 *   <li>{@code locksmith.createSchema} ({@code true} or {@code false}, default true)
 *   <li>{@code locksmith.poolSize}: connections of the backend's own pool (default 8; SQLite 4;
 *       always 1 for an in-memory database private to each connection, such as {@code
 *       jdbc:sqlite::memory:})
 *   <li>{@code locksmith.notifications} ({@code true} or {@code false}, default true; PostgreSQL)
 *   <li>{@code locksmith.busyTimeout}: SQLite busy timeout in milliseconds (default 5000)
 * </ul>
 *
 * <p>Credentials go in the URI the way the driver accepts them ({@code ?user=...&password=...} for
 * PostgreSQL and MariaDB, {@code ;USER=...;PASSWORD=...} for H2).
 */
public final class JdbcBackendProvider implements BackendProvider {

    private static final String OPTION = "locksmith.";
    private static final Pattern PASSWORD = Pattern.compile("(?i)(password=)[^&;]*");

    /** Used by {@link java.util.ServiceLoader}. */
    public JdbcBackendProvider() {}

    @Override
    public Set<String> schemes() {
        return Set.of("jdbc");
    }

    @Override
    public Backend open(URI uri, BackendContext context) {
        String raw = uri.toString();
        if (!raw.regionMatches(true, 0, "jdbc:", 0, 5) || raw.length() <= 5) {
            throw new IllegalArgumentException(
                    "uri must be a JDBC URL such as jdbc:postgresql://host/db, was " + redact(raw));
        }
        List<String[]> options = new ArrayList<>();
        String jdbcUrl = stripOptions(raw, options);
        Settings s = new Settings(jdbcUrl);
        for (String[] o : options) {
            s.apply(o[0], o[1]);
        }
        try {
            DriverManager.getDriver(jdbcUrl);
        } catch (SQLException e) {
            throw new BackendException(
                    "no JDBC driver on the class path accepts " + redact(jdbcUrl)
                            + " (add the driver of your database, e.g. org.postgresql:postgresql)",
                    e);
        }
        if (privateInMemory(jdbcUrl)) {
            // every connection would see its own empty database: share one
            s.poolSize = 1;
        }
        Properties props = connectProperties(jdbcUrl, context.connectTimeout());
        SimplePool pool = new SimplePool(jdbcUrl, props, s.poolSize, context.connectTimeout());
        JdbcBackend.Builder builder = JdbcBackend.builder(pool)
                .tablePrefix(s.tablePrefix)
                .createSchema(s.createSchema)
                .notifications(s.notifications)
                .listenTimeout(context.connectTimeout())
                .busyTimeout(s.busyTimeout);
        try {
            return builder.build();
        } catch (BackendException e) {
            throw new BackendException("cannot open " + redact(jdbcUrl) + ": " + e.getMessage(), e.getCause());
        }
    }

    /** Removes {@code locksmith.*} parameters (after {@code ?} joined by {@code &}, or after {@code ;}). */
    static String stripOptions(String raw, List<String[]> options) {
        int q = raw.indexOf('?');
        String base = q < 0 ? raw : raw.substring(0, q);
        StringBuilder url = new StringBuilder();
        String[] segments = base.split(";", -1);
        url.append(segments[0]);
        for (int i = 1; i < segments.length; i++) {
            if (!option(segments[i], options)) {
                url.append(';').append(segments[i]);
            }
        }
        if (q >= 0) {
            List<String> kept = new ArrayList<>();
            for (String part : raw.substring(q + 1).split("&")) {
                if (!part.isEmpty() && !option(part, options)) {
                    kept.add(part);
                }
            }
            if (!kept.isEmpty()) {
                url.append('?').append(String.join("&", kept));
            }
        }
        return url.toString();
    }

    private static boolean option(String part, List<String[]> options) {
        if (!part.startsWith(OPTION)) {
            return false;
        }
        int eq = part.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("parameter " + part + " needs a value (" + part + "=...)");
        }
        options.add(new String[] {part.substring(OPTION.length(), eq), part.substring(eq + 1)});
        return true;
    }

    /** An in-memory database private to each connection (SQLite {@code :memory:}, unnamed H2 {@code mem:}). */
    static boolean privateInMemory(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:sqlite:")) {
            boolean memory = lower.startsWith("jdbc:sqlite::memory:") || lower.contains("mode=memory");
            return memory && !lower.contains("cache=shared") || lower.equals("jdbc:sqlite:");
        }
        return lower.startsWith("jdbc:h2:mem:;") || lower.equals("jdbc:h2:mem:");
    }

    /** Driver-specific connect timeouts, unless the URL sets one. */
    private static Properties connectProperties(String url, Duration connectTimeout) {
        Properties p = new Properties();
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.contains("connecttimeout")) {
            return p;
        }
        if (lower.startsWith("jdbc:postgresql:")) {
            p.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toSeconds())));
        } else if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            p.setProperty("connectTimeout", Long.toString(Math.max(1, connectTimeout.toMillis())));
        }
        return p;
    }

    /** The URL with any password replaced, for messages. */
    static String redact(String url) {
        return PASSWORD.matcher(url).replaceAll("$1***");
    }

    private static final class Settings {
        String tablePrefix = JdbcBackend.DEFAULT_TABLE_PREFIX;
        boolean createSchema = true;
        boolean notifications = true;
        int poolSize;
        Duration busyTimeout = JdbcBackend.DEFAULT_BUSY_TIMEOUT;

        Settings(String url) {
            poolSize = url.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlite:") ? 4 : 8;
        }

        void apply(String name, String value) {
            switch (name) {
                case "tablePrefix" -> tablePrefix = value;
                case "createSchema" -> createSchema = bool(name, value);
                case "notifications" -> notifications = bool(name, value);
                case "poolSize" -> {
                    poolSize = integer(name, value);
                    if (poolSize < 1 || poolSize > 1000) {
                        throw new IllegalArgumentException("locksmith.poolSize must be 1 to 1000, was " + poolSize);
                    }
                }
                case "busyTimeout" -> {
                    int ms = integer(name, value);
                    if (ms < 0) {
                        throw new IllegalArgumentException("locksmith.busyTimeout must be >= 0 ms, was " + ms);
                    }
                    busyTimeout = Duration.ofMillis(ms);
                }
                default ->
                    throw new IllegalArgumentException("unknown parameter locksmith." + name
                            + " (known: tablePrefix, createSchema, poolSize, notifications, busyTimeout)");
            }
        }

        private static boolean bool(String name, String value) {
            if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
                return Boolean.parseBoolean(value);
            }
            throw new IllegalArgumentException("locksmith." + name + " must be true or false, was '" + value + "'");
        }

        private static int integer(String name, String value) {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("locksmith." + name + " must be an integer, was '" + value + "'", e);
            }
        }
    }
}
