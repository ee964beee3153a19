package dev.locksmith;

import dev.locksmith.internal.Args;
import dev.locksmith.internal.Engine;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import dev.locksmith.spi.Capabilities;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.Executor;

/**
 * The entry point: a client of one store and one namespace, from which locks, semaphores and
 * guarded state are made. Thread-safe; create one per store and share it. Closing it stops
 * auto-extension, reports held leases as lost, and closes the backend if this client opened it.
 *
 * <pre>{@code
 * try (Locksmith locksmith = Locksmith.connect("redis://localhost:6379")) {
 *     try (Lease lease = locksmith.lock("order:123").acquire(Duration.ofSeconds(5))) {
 *         write(order, lease.fencingToken());
 *     }
 * }
 * }</pre>
 */
public final class Locksmith implements AutoCloseable {

    /** The namespace used when none is set. */
    public static final String DEFAULT_NAMESPACE = "locksmith";

    /** The longest lock, semaphore or state name accepted. */
    public static final int MAX_NAME_LENGTH = 200;

    /** The longest namespace accepted. */
    public static final int MAX_NAMESPACE_LENGTH = 48;

    /** The default time allowed to open a connection to a store: 10 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final Engine engine;

    private Locksmith(Engine engine) {
        this.engine = engine;
    }

    /** Connects to the store named by {@code uri} with default settings. See {@link Builder#uri(String)}. */
    public static Locksmith connect(String uri) {
        return builder().uri(uri).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The mutual-exclusion lock {@code name}, with this client's default options. */
    public DistributedLock lock(String name) {
        return engine.lock(checkName(name), engine.defaultOptions());
    }

    /** The mutual-exclusion lock {@code name} with the given options. */
    public DistributedLock lock(String name, LockOptions options) {
        return engine.lock(checkName(name), Objects.requireNonNull(options, "options"));
    }

    /** The counting semaphore {@code name} with {@code permits} permits. */
    public DistributedSemaphore semaphore(String name, int permits) {
        return semaphore(name, permits, engine.defaultOptions());
    }

    /** The counting semaphore {@code name} with {@code permits} permits and the given options. */
    public DistributedSemaphore semaphore(String name, int permits, LockOptions options) {
        checkName(name);
        Args.atLeast(permits, 1, "permits");
        return engine.semaphore(name, permits, Objects.requireNonNull(options, "options"));
    }

    /** The guarded value {@code name}; {@code initialValue} is its value before the first write. */
    public <T> GuardedState<T> state(String name, Codec<T> codec, T initialValue) {
        return state(name, codec, initialValue, StateOptions.defaults());
    }

    /** The guarded value {@code name} with the given options. */
    public <T> GuardedState<T> state(String name, Codec<T> codec, T initialValue, StateOptions options) {
        checkName(name);
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(initialValue, "initialValue");
        Objects.requireNonNull(options, "options");
        return engine.state(name, codec, initialValue, options);
    }

    /** Every live lock and permit in this client's namespace, by the store's view. */
    public List<LockInfo> list() {
        return engine.list();
    }

    /**
     * Operator action: removes the lock and every permit of {@code name}, whoever holds them.
     * Their holders find out at their next extension.
     *
     * @return what was removed
     */
    public List<LockInfo> forceRelease(String name) {
        return engine.forceRelease(checkName(name));
    }

    /** This client's namespace. */
    public String namespace() {
        return engine.namespace();
    }

    /** The backend's capabilities. */
    public Capabilities capabilities() {
        return engine.capabilities();
    }

    /**
     * Closes the client: fails pending acquisitions (waiting for store calls in flight, so that a
     * grant arriving meanwhile is released, not orphaned), stops auto-extension, reports held leases
     * lost ({@code CLIENT_CLOSED}) and releases them on a best-effort basis, and closes the backend
     * if this client opened it. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
    }

    private String checkName(String name) {
        engine.checkOpen();
        return Args.name(name, "name", MAX_NAME_LENGTH);
    }

    /** Every scheme a provider on the class path or module path accepts, sorted. */
    public static List<String> knownSchemes() {
        return List.copyOf(providers().keySet());
    }

    private static Map<String, BackendProvider> providers() {
        Map<String, BackendProvider> byScheme = new TreeMap<>();
        ServiceLoader<BackendProvider> loader =
                ServiceLoader.load(BackendProvider.class, Locksmith.class.getClassLoader());
        for (BackendProvider p : loader) {
            for (String s : p.schemes()) {
                byScheme.putIfAbsent(s.toLowerCase(Locale.ROOT), p);
            }
        }
        return byScheme;
    }

    /**
     * Builds a {@link Locksmith}. Not thread-safe.
     *
     * <table>
     *   <caption>Settings</caption>
     *   <tr><th>setting</th><th>default</th><th>allowed</th></tr>
     *   <tr><td>{@code uri} or {@code backend}</td><td>required</td><td>a URI whose scheme a provider accepts</td></tr>
     *   <tr><td>{@code namespace}</td><td>{@value #DEFAULT_NAMESPACE}</td><td>1 to 48 of {@code [A-Za-z0-9_.-]}</td></tr>
     *   <tr><td>{@code defaultOptions}</td><td>{@link LockOptions#defaults()}</td><td>any</td></tr>
     *   <tr><td>{@code connectTimeout}</td><td>10 s</td><td>positive</td></tr>
     *   <tr><td>{@code timeSource}</td><td>{@link TimeSource#system()}</td><td>any</td></tr>
     *   <tr><td>{@code executor}</td><td>an owned pool of daemon threads</td><td>any; runs blocking store calls of async methods</td></tr>
     * </table>
     */
    public static final class Builder {
        private String uri;
        private Backend backend;
        private String namespace = DEFAULT_NAMESPACE;
        private LockOptions defaultOptions = LockOptions.defaults();
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private TimeSource timeSource = TimeSource.system();
        private Executor executor;

        private Builder() {}

        /**
         * The store, as a URI: {@code mem:} (a private in-memory store), {@code mem:NAME} (one
         * shared by every client in this JVM using NAME), or a scheme of an installed backend
         * module such as {@code redis://host:6379} or {@code jdbc:postgresql://host/db}.
         */
        public Builder uri(String uri) {
            this.uri = Objects.requireNonNull(uri, "uri");
            this.backend = null;
            return this;
        }

        /** A backend the caller built and owns: closing the client will not close it. */
        public Builder backend(Backend backend) {
            this.backend = Objects.requireNonNull(backend, "backend");
            this.uri = null;
            return this;
        }

        /** Key prefix that separates this client's locks from other applications' in a shared store. */
        public Builder namespace(String namespace) {
            Objects.requireNonNull(namespace, "namespace");
            if (!namespace.matches("[A-Za-z0-9_.-]{1," + MAX_NAMESPACE_LENGTH + "}")) {
                throw new IllegalArgumentException("namespace must be 1 to " + MAX_NAMESPACE_LENGTH
                        + " characters of A-Z a-z 0-9 _ . -, was '" + namespace + "'");
            }
            this.namespace = namespace;
            return this;
        }

        /** Options for locks and semaphores made without explicit options. */
        public Builder defaultOptions(LockOptions options) {
            this.defaultOptions = Objects.requireNonNull(options, "defaultOptions");
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = Args.positive(connectTimeout, "connectTimeout");
            return this;
        }

        /** The clock and timer for every client-side deadline; inject a manual one in tests. */
        public Builder timeSource(TimeSource timeSource) {
            this.timeSource = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /** Runs blocking store calls for async methods; the caller keeps ownership. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /**
         * Opens the store (for a URI) and builds the client.
         *
         * @throws IllegalArgumentException for a malformed URI or an unknown scheme (listing the known ones)
         * @throws BackendException if the store cannot be reached
         */
        public Locksmith build() {
            boolean ownsBackend = backend == null;
            Backend b = backend;
            if (b == null) {
                if (uri == null) {
                    throw new IllegalStateException("set uri(...) or backend(...) before build()");
                }
                b = open(uri, new BackendContext(timeSource, connectTimeout));
            }
            return new Locksmith(new Engine(b, ownsBackend, namespace, defaultOptions, timeSource, executor));
        }

        private static Backend open(String uri, BackendContext context) {
            URI parsed;
            try {
                // "mem:" alone is not a valid java.net.URI; read a bare scheme as "scheme:/"
                parsed = new URI(uri.matches("[A-Za-z][A-Za-z0-9+.-]*:") ? uri + "/" : uri);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("uri is not a valid URI: '" + uri + "' (" + e.getReason() + ")", e);
            }
            String scheme = parsed.getScheme();
            Map<String, BackendProvider> providers = providers();
            if (scheme == null) {
                throw new IllegalArgumentException(
                        "uri must start with a scheme, one of " + providers.keySet() + ", was '" + uri + "'");
            }
            BackendProvider provider = providers.get(scheme.toLowerCase(Locale.ROOT));
            if (provider == null) {
                throw new IllegalArgumentException("unknown backend scheme '" + scheme + "' in uri; known schemes: "
                        + providers.keySet() + " (add the backend's module to the class path for others)");
            }
            return provider.open(parsed, context);
        }
    }
}
