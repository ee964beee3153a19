package dev.locksmith.cli;

import dev.locksmith.LockException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.spi.support.Redaction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Which store and namespace a command talks to: {@code --backend} or {@code LOCKSMITH_BACKEND}
 * (default: the embedded SQLite file {@code $LOCKSMITH_HOME/locks.db}), {@code --namespace} or
 * {@code LOCKSMITH_NAMESPACE}, {@code --connect-timeout}.
 */
final class Connection {
    static final String BACKEND = "--backend";
    static final String NAMESPACE = "--namespace";
    static final String CONNECT_TIMEOUT = "--connect-timeout";
    static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final String uri;
    private final String namespace;
    private final Duration connectTimeout;
    private final Path home;
    private final boolean embeddedDefault;

    private Connection(String uri, String namespace, Duration connectTimeout, Path home, boolean embeddedDefault) {
        this.uri = uri;
        this.namespace = namespace;
        this.connectTimeout = connectTimeout;
        this.home = home;
        this.embeddedDefault = embeddedDefault;
    }

    /** The store URI of the last connection made, which messages may quote: see {@link #mask}. */
    private static volatile String lastUri;

    /** Adds the connection options to a command's parser. */
    static ArgParser options(ArgParser parser) {
        return parser.option(BACKEND, NAMESPACE, CONNECT_TIMEOUT);
    }

    /** The connection a command's options and the environment ask for. */
    static Connection from(ArgParser.Parsed args, Map<String, String> env) {
        Path home = home(env);
        String uri = args.value(BACKEND);
        if (uri == null) {
            uri = nonBlank(env.get("LOCKSMITH_BACKEND"));
        }
        boolean embedded = uri == null;
        if (embedded) {
            uri = "jdbc:sqlite:" + home.resolve("locks.db");
        } else if (uri.isBlank()) {
            throw new UsageException("--backend must not be empty (a URI such as redis://localhost:6379)");
        }
        String namespace = args.value(NAMESPACE);
        if (namespace == null) {
            namespace = nonBlank(env.get("LOCKSMITH_NAMESPACE"));
        }
        if (namespace == null) {
            namespace = Locksmith.DEFAULT_NAMESPACE;
        }
        Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        if (args.value(CONNECT_TIMEOUT) != null) {
            connectTimeout = DurationParser.parse(args.value(CONNECT_TIMEOUT), CONNECT_TIMEOUT);
            if (connectTimeout.isZero()) {
                throw new UsageException(CONNECT_TIMEOUT + " must be positive, was 0");
            }
        }
        lastUri = uri;
        return new Connection(uri, namespace, connectTimeout, home, embedded);
    }

    /** {@code $LOCKSMITH_HOME}, or {@code ~/.locksmith}. */
    static Path home(Map<String, String> env) {
        String home = nonBlank(env.get("LOCKSMITH_HOME"));
        return home != null
                ? Path.of(home).toAbsolutePath()
                : Path.of(System.getProperty("user.home"), ".locksmith").toAbsolutePath();
    }

    private static String nonBlank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    String uri() {
        return uri;
    }

    String namespace() {
        return namespace;
    }

    Path home() {
        return home;
    }

    boolean embeddedDefault() {
        return embeddedDefault;
    }

    /** The store for people to read: the URI without any password. */
    String describe() {
        String shown = redact(uri);
        return embeddedDefault ? "embedded SQLite " + home.resolve("locks.db") : shown;
    }

    /**
     * {@code text} with any password masked: the store URI of this command wherever the text quotes
     * it whole (even a password with a space or a quote in it), and every other URI-looking part.
     */
    static String mask(String text) {
        return Redaction.mask(text, lastUri);
    }

    /** {@code uri} with any password in it replaced by {@code ***}, in every form {@link Redaction} knows. */
    static String redact(String uri) {
        return Redaction.maskUri(uri);
    }

    /**
     * Opens the client.
     *
     * @throws UsageException for a malformed URI or an unknown scheme (the message lists the known ones)
     * @throws CliException with {@value Exit#UNAVAILABLE} if the store cannot be reached
     */
    Locksmith open(LockOptions defaults) {
        if (embeddedDefault) {
            try {
                Files.createDirectories(home);
            } catch (IOException e) {
                throw new CliException(
                        Exit.UNAVAILABLE, "cannot create LOCKSMITH_HOME " + home + ": " + e.getMessage(), e);
            }
        }
        Locksmith.Builder builder;
        try {
            builder = Locksmith.builder()
                    .uri(uri)
                    .namespace(namespace)
                    .connectTimeout(connectTimeout)
                    .defaultOptions(defaults);
        } catch (IllegalArgumentException e) {
            throw new UsageException(oneLine(e));
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("--backend: " + oneLine(e));
        } catch (LockException e) {
            throw unavailable(e);
        } catch (RuntimeException e) {
            // a provider that let its driver's exception through: still the store's fault, not the user's
            throw unavailable(e);
        }
    }

    /** A store failure as a {@value Exit#UNAVAILABLE} exit. */
    CliException unavailable(RuntimeException e) {
        return new CliException(Exit.UNAVAILABLE, "backend unavailable (" + redact(uri) + "): " + oneLine(e), e);
    }

    /** The message of {@code e} and of its root cause, on one line. */
    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
            message = message + ": " + root.getMessage();
        }
        return message.replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
