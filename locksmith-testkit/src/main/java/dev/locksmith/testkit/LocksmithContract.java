package dev.locksmith.testkit;

import dev.locksmith.LockInfo;
import dev.locksmith.Locksmith;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Base of every contract class. A backend module subclasses each contract once and says how to
 * reach its store in {@link #clientBuilder()}; each test gets its own random namespace, so runs
 * that share a server never see each other's keys, and everything a test held is released after
 * it.
 */
public abstract class LocksmithContract {

    /** For backend modules to subclass. */
    protected LocksmithContract() {}

    private final List<Locksmith> clients = new CopyOnWriteArrayList<>();
    private String namespace;

    /**
     * The store configuration this contract runs against when it is nested in a {@link
     * Conformance} class (which then answers the hooks below); {@code null} for a contract
     * subclassed on its own, which overrides the hooks itself.
     */
    Conformance conformance() {
        return null;
    }

    /** A builder with {@code uri(...)} or {@code backend(...)} set; the testkit sets the namespace. */
    protected Locksmith.Builder clientBuilder() {
        if (conformance() == null) {
            throw new IllegalStateException(getClass().getName() + " must override clientBuilder()");
        }
        return conformance().clientBuilder();
    }

    /**
     * A lease short enough to wait out in a test, long enough for the store to grant and renew it
     * reliably. Stores with coarse TTLs (whole seconds) override it.
     */
    protected Duration shortTtl() {
        return conformance() == null ? Duration.ofMillis(500) : conformance().shortTtl();
    }

    /** Called after each test with its namespace, for stores that keep keys (such as fencing counters). */
    protected void cleanUp(String namespace) {
        if (conformance() != null) {
            conformance().cleanUp(namespace);
        }
    }

    /** How much slower than a fast local machine this run may be; scales every bounded wait. */
    protected double timeScale() {
        return Double.parseDouble(System.getProperty("locksmith.test.timeScale", "1"));
    }

    @BeforeEach
    final void newNamespace() {
        namespace = "t-"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    }

    @AfterEach
    final void closeClients() {
        for (Locksmith c : clients) {
            try {
                for (LockInfo info : c.list()) {
                    c.forceRelease(info.name());
                }
            } catch (RuntimeException | Error ignored) {
                // a closed client or a test that broke the store: nothing left to release here
            }
            c.close();
        }
        clients.clear();
        cleanUp(namespace);
    }

    /** The namespace of the running test. */
    protected final String namespace() {
        return namespace;
    }

    /** A new client of the store in the test's namespace, closed after the test. */
    protected final Locksmith newClient() {
        Locksmith c = clientBuilder().namespace(namespace).build();
        clients.add(c);
        return c;
    }

    /** {@code d} stretched by {@link #timeScale()}. */
    protected final Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * timeScale()));
    }

    /** Polls {@code condition} every 5 ms until it holds; fails with {@code what} after {@code max}. */
    protected final void eventually(Duration max, String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + scaled(max).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + scaled(max) + ": " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
