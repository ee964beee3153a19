package dev.locksmith.bench.drivers;

import dev.locksmith.Lease;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.TimeSource;
import dev.locksmith.bench.Driver;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.BackendContext;
import dev.locksmith.spi.BackendProvider;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Locksmith through its public API on one store URI, with default lock options unless a TTL is given. */
public final class LocksmithDriver implements Driver {

    private final String store;
    private final String uri;
    private final String namespace;
    private final String tablePrefix;
    private final String plainJdbcUrl;

    /**
     * @param store short store name for the report
     * @param uri the store URI as a user would pass it to {@link Locksmith.Builder#uri(String)}
     */
    public LocksmithDriver(String store, String uri) {
        this.store = store;
        this.namespace = Names.randomNamespace();
        if (isPooledSql(uri)) {
            // tables of this run's own (documented locksmith.tablePrefix), dropped by close(): fence rows
            // are never deleted by design, and the shared database must not keep 100,000 of them
            this.tablePrefix = Names.randomTablePrefix() + "ls_";
            this.plainJdbcUrl = uri;
            this.uri = uri + (uri.contains("?") ? "&" : "?") + "locksmith.tablePrefix=" + tablePrefix;
        } else {
            this.tablePrefix = null;
            this.plainJdbcUrl = null;
            this.uri = uri;
        }
    }

    private static boolean isPooledSql(String uri) {
        return uri.startsWith("jdbc:") && !uri.startsWith("jdbc:sqlite:");
    }

    @Override
    public String name() {
        return "locksmith-" + store;
    }

    @Override
    public String store() {
        return store;
    }

    @Override
    public boolean isLocksmith() {
        return true;
    }

    @Override
    public boolean supportsSemaphore() {
        return true;
    }

    @Override
    public boolean supportsAutoExtension() {
        return true;
    }

    @Override
    public String threadNamePrefix() {
        return "locksmith";
    }

    @Override
    public String keyFragment() {
        return namespace;
    }

    @Override
    public String waiting() {
        return "engine wait/notify (store notifications where available)";
    }

    @Override
    public void close() {
        // token counters are never deleted by design; on a shared Redis, remove this run's keys
        if (uri.startsWith("redis://")) {
            RedisKeys.deleteContaining(RedisTarget.parse(uri), namespace);
        }
        if (tablePrefix != null) {
            new JdbcTarget(plainJdbcUrl).dropTablesStartingWith(tablePrefix);
        }
    }

    /** The URI this driver connects to. */
    public String uri() {
        return uri;
    }

    @Override
    public Session open(int concurrency) {
        Locksmith client = Locksmith.builder()
                .uri(sized(uri, concurrency))
                .namespace(namespace)
                .build();
        return new LocksmithSession(client, LockOptions.defaults(), null, null);
    }

    /**
     * Opens a client whose leases use {@code ttl} and whose store calls are counted: the backend is
     * opened through the SPI and wrapped, and the client is given the wrapper.
     */
    @Override
    public Session openHeld(int concurrency, Duration ttl) {
        Backend backend = openBackend(uri);
        CallCounter counter = new CallCounter();
        Backend counted = counter.wrap(backend);
        Locksmith client;
        try {
            client = Locksmith.builder().backend(counted).namespace(namespace).build();
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        LockOptions options = LockOptions.builder().ttl(ttl).autoExtend(true).build();
        return new LocksmithSession(client, options, backend, counter);
    }

    /**
     * The peers get a connection pool of {@code concurrency + 1}; give a pooled SQL backend the same
     * when its default pool (8) is smaller, through its documented {@code locksmith.poolSize}.
     */
    static String sized(String uri, int concurrency) {
        if (!isPooledSql(uri) || concurrency < 8 || uri.contains("locksmith.poolSize=")) {
            return uri;
        }
        return uri + (uri.contains("?") ? "&" : "?") + "locksmith.poolSize=" + (concurrency + 1);
    }

    private static Backend openBackend(String uri) {
        URI parsed = URI.create(uri);
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class, Locksmith.class.getClassLoader())) {
            for (String s : p.schemes()) {
                if (s.equalsIgnoreCase(scheme)) {
                    return p.open(parsed, new BackendContext(TimeSource.system(), Locksmith.DEFAULT_CONNECT_TIMEOUT));
                }
            }
        }
        throw new IllegalArgumentException("no backend provider for scheme " + scheme);
    }

    private static final class LocksmithSession implements Session {
        private final Locksmith client;
        private final LockOptions options;
        private final Backend ownedBackend;
        private final CallCounter counter;

        LocksmithSession(Locksmith client, LockOptions options, Backend ownedBackend, CallCounter counter) {
            this.client = client;
            this.options = options;
            this.ownedBackend = ownedBackend;
            this.counter = counter;
        }

        @Override
        public Held lock(String name, Duration maxWait) {
            try {
                Lease lease = client.lock(name, options).acquire(maxWait);
                return new LeaseHeld(lease);
            } catch (LockAcquisitionTimeoutException e) {
                return null;
            }
        }

        @Override
        public Held permit(String name, int permits, Duration maxWait) {
            try {
                Lease lease = client.semaphore(name, permits, options).acquire(maxWait);
                return new LeaseHeld(lease);
            } catch (LockAcquisitionTimeoutException e) {
                return null;
            }
        }

        @Override
        public Map<String, Long> counters() {
            return counter == null ? Map.of() : counter.snapshot();
        }

        @Override
        public void close() {
            try {
                client.close();
            } finally {
                if (ownedBackend != null) {
                    ownedBackend.close();
                }
            }
        }
    }

    private record LeaseHeld(Lease lease) implements Held {
        @Override
        public void release() {
            lease.close();
        }

        @Override
        public boolean valid() {
            return lease.isValid();
        }
    }

    /** Counts calls per SPI method through a dynamic proxy. */
    static final class CallCounter {
        private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();

        Backend wrap(Backend delegate) {
            InvocationHandler h = (proxy, method, args) -> {
                if (method.getDeclaringClass() != Object.class) {
                    calls.computeIfAbsent(method.getName(), k -> new LongAdder())
                            .increment();
                }
                try {
                    return method.invoke(delegate, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            };
            return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, h);
        }

        Map<String, Long> snapshot() {
            Map<String, Long> out = new TreeMap<>();
            calls.forEach((k, v) -> out.put("spi." + k, v.sum()));
            return out;
        }
    }
}
