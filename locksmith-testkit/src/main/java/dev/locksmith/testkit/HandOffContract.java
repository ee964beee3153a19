package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.Lease;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import dev.locksmith.spi.Backend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Hand-offs between processes, for stores with a wait queue (those that implement {@code
 * tryAcquireOrQueue} and name the next waiter in their release notifications). Each client here
 * has a backend of its own, as a separate process would: a release names the first waiter of the
 * key's queue, so it costs one attempt however many clients wait, instead of one per client.
 */
public abstract class HandOffContract {
    private static final Duration HOUR = Duration.ofHours(1);
    /** Long enough that only a notification, never the holder's expiry, can hand the lock over in a test. */
    private static final LockOptions WAITS_FOR_NOTIFICATIONS = LockOptions.builder()
            .ttl(Duration.ofSeconds(30))
            .retry(RetryPolicy.fixed(HOUR))
            .build();

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final String namespace =
            "h-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    private final List<Locksmith> clients = new ArrayList<>();
    private final List<Backend> backends = new ArrayList<>();

    /** For backend modules to subclass. */
    protected HandOffContract() {}

    /** A new backend with its own connections and its own release subscription. */
    protected abstract Backend newBackend();

    /** Called after each test with its namespace, once every backend is closed. */
    protected void cleanUp(String namespace) {}

    @AfterEach
    final void closeAll() {
        clients.forEach(Locksmith::close);
        backends.forEach(Backend::close);
        cleanUp(namespace);
    }

    private CountingBackend newStore() {
        Backend backend = newBackend();
        backends.add(backend);
        CountingBackend store = new CountingBackend(backend);
        clients.add(Locksmith.builder().backend(store).namespace(namespace).build());
        return store;
    }

    private Locksmith client(int i) {
        return clients.get(i);
    }

    @Test
    void eachReleaseCostsOneAttemptHoweverManyClientsWait() throws Exception {
        int waiters = 6;
        newStore(); // client 0 holds first
        List<CountingBackend> stores = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            stores.add(newStore());
        }
        Lease first = client(0).lock("k", WAITS_FOR_NOTIFICATIONS).acquire(Duration.ZERO);
        List<CompletableFuture<Lease>> got = new ArrayList<>();
        for (int i = 1; i <= waiters; i++) {
            CompletableFuture<Lease> f =
                    client(i).lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(HOUR);
            f.thenAccept(Lease::release); // each holder hands over at once
            got.add(f);
        }
        // each waiter made its first attempt and its look right after subscribing, then sleeps
        eventually(() -> stores.stream().allMatch(s -> s.answeredAttempts() == 2));
        first.release();
        for (CompletableFuture<Lease> f : got) {
            assertThat(f.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).fencingToken())
                    .isGreaterThan(first.fencingToken());
        }
        long attempts = stores.stream().mapToLong(s -> s.calls("tryAcquire")).sum();
        // 3 per waiter: its first attempt, its look right after subscribing, and the one its
        // release notification starts. One more is allowed for a look whose answer was still on its
        // way into the waiter's queue when a release came (it then looks again). A herd, one attempt
        // per waiting client and release, would make 2n + n(n+1)/2.
        int herd = 2 * waiters + waiters * (waiters + 1) / 2;
        assertThat(attempts)
                .as("attempts by %d waiting clients over %d hand-offs (a herd would make %d)", waiters, waiters, herd)
                .isBetween(3L * waiters, 3L * waiters + 1);
    }

    @Test
    void aWaiterThatGaveUpIsNotNamedByTheNextRelease() throws Exception {
        newStore();
        CountingBackend impatientStore = newStore();
        newStore();
        Lease holder = client(0).lock("k", WAITS_FOR_NOTIFICATIONS).acquire(Duration.ZERO);
        CompletableFuture<Lease> impatient =
                client(1).lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(Duration.ofMillis(200));
        try {
            impatient.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("acquired a held lock");
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(LockAcquisitionTimeoutException.class);
        }
        eventually(() -> impatientStore.calls("leaveQueue") == 1);
        CompletableFuture<Lease> patient =
                client(2).lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(HOUR);
        holder.release();
        assertThat(patient.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).fencingToken())
                .as("woken by the release, not by the holder's 30 s expiry")
                .isGreaterThan(holder.fencingToken());
        patient.join().release();
    }

    private static void eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not true within " + TIMEOUT);
            }
            Thread.sleep(5); // polls a counter another thread moves; there is nothing to wait on
        }
    }
}
