package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.locksmith.BackendException;
import dev.locksmith.Lease;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's one failure policy, on the store's own failures: a store marks a dropped or
 * refused connection transient, and the engine retries it within the caller's deadline, timed on
 * the client's {@link dev.locksmith.TimeSource} (a manual clock here, so no test sleeps), and not
 * beyond it. The store's connections go through a {@link TcpProxy} that the test cuts. Skipped for
 * stores without a TCP address.
 */
public abstract class TransientFailureContract extends LocksmithContract {

    protected TransientFailureContract() {}

    /** The store's TCP address; {@code null} skips this contract. */
    protected abstract InetSocketAddress storeAddress();

    /** A builder whose client reaches the store at {@code 127.0.0.1:port}. */
    protected abstract Locksmith.Builder clientBuilderVia(int port);

    private TcpProxy proxy;
    private Locksmith client;
    private final ManualTimeSource time = new ManualTimeSource();

    private Locksmith clientThroughProxy() {
        InetSocketAddress address = storeAddress();
        assumeTrue(address != null, "the store has no TCP address to cut");
        proxy = new TcpProxy(address);
        client = clientBuilderVia(proxy.port())
                .namespace(namespace())
                .timeSource(time)
                .executor(Runnable::run)
                .build();
        return client;
    }

    @AfterEach
    final void closeProxy() {
        if (proxy != null) {
            proxy.restore();
        }
        if (client != null) {
            try {
                client.list().forEach(i -> client.forceRelease(i.name()));
            } catch (RuntimeException ignored) {
                // the test broke the store on purpose
            }
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    private static LockOptions options() {
        return LockOptions.builder()
                .ttl(Duration.ofSeconds(30))
                .autoExtend(false)
                .build();
    }

    /** Advances the manual clock in small steps (each step runs the timers due). */
    private void advance(Duration total) {
        Duration step = Duration.ofMillis(5);
        for (Duration done = Duration.ZERO; done.compareTo(total) < 0; done = done.plus(step)) {
            time.advance(step);
        }
    }

    @Test
    void anAcquireRetriesACutConnectionWithinItsDeadline() {
        Locksmith c = clientThroughProxy();
        c.lock("warm", options()).acquire(Duration.ZERO).release(); // the client has a connection now
        proxy.cut();
        CompletableFuture<Lease> waiting = c.lock("cut", options()).acquireAsync(Duration.ofSeconds(30));
        advance(Duration.ofMillis(100));
        assertThat(waiting).as("a transient failure is retried, not thrown").isNotDone();
        proxy.restore();
        for (int i = 0; i < 200 && !waiting.isDone(); i++) {
            advance(Duration.ofMillis(100));
        }
        assertThat(waiting)
                .as("granted once the store answers again, within maxWait")
                .isCompleted();
        Lease lease = waiting.join();
        assertThat(lease.isValid()).isTrue();
        lease.release();
    }

    @Test
    void anAcquireGivesUpAtItsDeadlineWithTheStoresFailure() {
        Locksmith c = clientThroughProxy();
        c.lock("warm", options()).acquire(Duration.ZERO).release();
        proxy.cut();
        CompletableFuture<Lease> waiting = c.lock("down", options()).acquireAsync(Duration.ofMillis(500));
        advance(Duration.ofMillis(400));
        assertThat(waiting).as("still retrying before its deadline").isNotDone();
        advance(Duration.ofMillis(150));
        assertThat(waiting).as("given up at its deadline, not later").isCompletedExceptionally();
        Throwable failure = waiting.handle((l, e) -> e).join();
        if (failure instanceof CompletionException) {
            failure = failure.getCause();
        }
        assertThat(failure).isInstanceOf(BackendException.class);
        assertThat(((BackendException) failure).isTransient())
                .as("the store marked a refused connection transient")
                .isTrue();
    }
}
