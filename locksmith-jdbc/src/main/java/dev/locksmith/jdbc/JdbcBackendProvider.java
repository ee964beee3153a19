package dev.locksmith.jdbc;

import dev.locksmith.BackendException;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import dev.locksmith.spi.support.Redaction;
import dev.locksmith.spi.support.Settings;
import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Opens a {@link JdbcBackend} for {@code jdbc:} URIs, such as {@code
 * jdbc:postgresql://127.0.0.1:5432/app?user=app&password=secret} or {@code
 * jdbc:sqlite:/var/lib/app/locks.db}, with a small pool of its own. The {@link JdbcOptions} are
 * {@code locksmith.<name>} parameters (after {@code ?} joined by {@code &}, or after {@code ;}),
 * removed before the URI goes to the driver, which must be on the class path: {@code tablePrefix},
 * {@code createSchema}, {@code notifications}, {@code busyTimeout} (a duration; a bare number
 * counts milliseconds) and {@code poolSize} (always 1 for an in-memory database private to each
 * connection, such as {@code jdbc:sqlite::memory:}). No message shows a password.
 */
public final class JdbcBackendProvider implements BackendProvider {

    private static final String OPTION = "locksmith.";
    private static final List<String> KNOWN = Stream.of(
                    "tablePrefix", "createSchema", "poolSize", "notifications", "busyTimeout")
            .map(OPTION::concat)
            .toList();

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
                    "uri must be a JDBC URL such as jdbc:postgresql://host/db, was " + Redaction.maskUri(raw));
        }
        Map<String, String> given = new LinkedHashMap<>();
        String jdbcUrl = stripOptions(raw, given);
        JdbcOptions options = options(given, jdbcUrl);
        try {
            DriverManager.getDriver(jdbcUrl);
        } catch (SQLException e) {
            throw new BackendException(
                    "no JDBC driver on the class path accepts " + Redaction.maskUri(jdbcUrl)
                            + " (add the driver of your database, e.g. org.postgresql:postgresql)",
                    e);
        }
        SimplePool pool = new SimplePool(
                jdbcUrl,
                timeout -> connectProperties(jdbcUrl, timeout),
                options.poolSize(),
                context.connectTimeout(),
                context.timeSource());
        JdbcBackend backend = new JdbcBackend(pool, options, context.timeSource(), context.connectTimeout());
        try {
            backend.start();
            return backend;
        } catch (BackendException e) {
            backend.close();
            String message = "cannot open " + Redaction.maskUri(jdbcUrl) + ": " + e.getMessage();
            throw new BackendException(Redaction.mask(withoutSecrets(message, jdbcUrl)), e.getCause());
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** The settings given as {@code locksmith.*} parameters of {@code jdbcUrl}. */
    static JdbcOptions options(Map<String, String> given, String jdbcUrl) {
        Settings s = Settings.of(given, KNOWN);
        boolean sqlite = jdbcUrl.toLowerCase(Locale.ROOT).startsWith("jdbc:sqlite:");
        int pool = s.integer(OPTION + "poolSize", sqlite ? JdbcOptions.DEFAULT_SQLITE_POOL_SIZE : 8, 1, 1000);
        return JdbcOptions.builder()
                .tablePrefix(s.string("locksmith.tablePrefix", JdbcOptions.DEFAULT_TABLE_PREFIX))
                .createSchema(s.bool("locksmith.createSchema", true))
                .notifications(s.bool("locksmith.notifications", true))
                // whole milliseconds, as before durations had units
                .busyTimeout(s.duration("locksmith.busyTimeout", JdbcOptions.DEFAULT_BUSY_TIMEOUT, ChronoUnit.MILLIS))
                .poolSize(privateInMemory(jdbcUrl) ? 1 : pool) // else each connection sees its own database
                .build();
    }

    /**
     * {@code message} without the secrets {@link Redaction#maskUri} hides in {@code url}, wherever
     * the driver quoted them: a driver that reads a {@code user:pass@host} URL up to the first
     * {@code @} of a password quotes the rest ("Incorrect port value : rest@host").
     */
    static String withoutSecrets(String message, String url) {
        String[] kept = Redaction.maskUri(url).split(Pattern.quote(Redaction.MASK), -1);
        StringBuilder shape = new StringBuilder();
        for (int i = 0; i < kept.length; i++) {
            shape.append(i == 0 ? "" : "(.+?)").append(Pattern.quote(kept[i]));
        }
        Matcher m = Pattern.compile(shape.toString(), Pattern.DOTALL).matcher(url);
        String out = message;
        if (kept.length > 1 && m.matches()) {
            for (int g = 1; g <= m.groupCount(); g++) {
                String secret = m.group(g);
                out = out.replace(secret, Redaction.MASK);
                for (int at = secret.indexOf('@'); at >= 0; at = secret.indexOf('@', at + 1)) {
                    String rest = secret.substring(at + 1);
                    out = rest.isEmpty() ? out : out.replace(rest, Redaction.MASK);
                }
            }
        }
        return out;
    }

    /** Removes {@code locksmith.*} parameters (after {@code ?} joined by {@code &}, or after {@code ;}). */
    static String stripOptions(String raw, Map<String, String> options) {
        int q = raw.indexOf('?');
        String[] segments = (q < 0 ? raw : raw.substring(0, q)).split(";", -1);
        StringBuilder url = new StringBuilder(segments[0]);
        for (int i = 1; i < segments.length; i++) {
            if (!option(segments[i], options)) {
                url.append(';').append(segments[i]);
            }
        }
        if (q >= 0) {
            StringBuilder kept = new StringBuilder();
            for (String part : raw.substring(q + 1).split("&")) {
                if (!part.isEmpty() && !option(part, options)) {
                    kept.append(kept.length() == 0 ? "?" : "&").append(part);
                }
            }
            url.append(kept);
        }
        return url.toString();
    }

    private static boolean option(String part, Map<String, String> options) {
        if (!part.startsWith(OPTION)) {
            return false;
        }
        int eq = part.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("parameter " + part + " needs a value (" + part + "=...)");
        }
        String key = part.substring(0, eq);
        if (options.put(key, part.substring(eq + 1)) != null) {
            throw new IllegalArgumentException("parameter " + key + " is given twice");
        }
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

    /**
     * Driver-specific timeouts for opening a connection, unless the URL sets them: a call bounded by
     * a shorter timeout opens its connection within that time (MariaDB's covers the handshake,
     * PostgreSQL's login timeout the whole login, in whole seconds).
     */
    static Properties connectProperties(String url, Duration timeout) {
        Properties p = new Properties();
        String lower = url.toLowerCase(Locale.ROOT);
        long seconds = Math.max(1, (timeout.toMillis() + 999) / 1000);
        if (lower.startsWith("jdbc:postgresql:") && !lower.contains("connecttimeout")) {
            p.setProperty("connectTimeout", Long.toString(seconds));
        }
        if (lower.startsWith("jdbc:postgresql:") && !lower.contains("logintimeout")) {
            p.setProperty("loginTimeout", Long.toString(seconds));
        }
        if ((lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:"))
                && !lower.contains("connecttimeout")) {
            p.setProperty("connectTimeout", Long.toString(Math.max(1, timeout.toMillis())));
        }
        return p;
    }
}
