package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.Codec;
import dev.locksmith.GuardedState;
import dev.locksmith.GuardedState.StateHandle;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import dev.locksmith.StaleFencingTokenException;
import dev.locksmith.StateOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A value only the current lock holder can write, checked by fencing token inside the store. */
public abstract class GuardedStateContract extends LocksmithContract {

    /** For backend modules to subclass. */
    protected GuardedStateContract() {}

    /** Updates per thread in the counter test (16 threads). */
    protected int updateRounds() {
        return DEFAULT_UPDATE_ROUNDS;
    }

    /** The default of {@link #updateRounds()}. */
    public static final int DEFAULT_UPDATE_ROUNDS = 200;

    /** Values expire after the test so a shared store is left clean. */
    private StateOptions options(LockOptions lock) {
        return StateOptions.builder()
                .lockOptions(lock)
                .valueTtl(Duration.ofMinutes(10))
                .build();
    }

    @Test
    void sixteenThreadsOfUpdatesLoseNothing() throws Exception {
        Locksmith a = newClient();
        Locksmith b = newClient();
        int threads = 16;
        History history = new History();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                GuardedState<Long> counter =
                        (t % 2 == 0 ? a : b).state("counter", Codec.longs(), 0L, options(LockOptions.defaults()));
                String me = "thread-" + t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < updateRounds(); i++) {
                        counter.update(v -> v + 1);
                        history.writeAcknowledged(me, "counter", -1);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        long expected = (long) threads * updateRounds();
        assertThat(history.acknowledgedWrites("counter")).isEqualTo(expected);
        assertThat(a.state("counter", Codec.longs(), 0L).get()).isEqualTo(expected);
    }

    @Test
    void holderWhoseLeaseWasTakenOverCannotWrite() {
        Locksmith a = newClient();
        Locksmith b = newClient();
        LockOptions shortLease = LockOptions.builder()
                .ttl(shortTtl())
                .autoExtend(false)
                .retry(RetryPolicy.fixed(Duration.ofMillis(20)))
                .build();
        GuardedState<String> mine = a.state("doc", Codec.strings(), "", options(shortLease));
        GuardedState<String> theirs = b.state("doc", Codec.strings(), "", options(shortLease));
        StateHandle<String> stale = mine.acquire(Duration.ZERO);
        stale.set("first");
        stale.commit();
        try (StateHandle<String> current = theirs.acquire(scaled(shortTtl().multipliedBy(10)))) {
            assertThat(current.value()).isEqualTo("first");
            current.set("second");
            current.commit();
        }
        stale.set("stale write");
        assertThatThrownBy(stale::commit)
                .isInstanceOf(StaleFencingTokenException.class)
                .hasMessageContaining("doc");
        stale.close();
        assertThat(theirs.get()).isEqualTo("second");
        assertThat(mine.get()).isEqualTo("second");
    }

    @Test
    void awaitUnlockedReturnsRightAfterReleaseWithTheCurrentValue() throws Exception {
        Locksmith a = newClient();
        Locksmith b = newClient();
        GuardedState<Long> state = a.state("await", Codec.longs(), 0L, options(LockOptions.defaults()));
        LockOptions hourly = LockOptions.builder()
                .retry(RetryPolicy.fixed(Duration.ofHours(1)))
                .build();
        GuardedState<Long> watcher =
                (a.capabilities().releaseNotifications() ? b : a).state("await", Codec.longs(), 0L, options(hourly));
        assertThat(watcher.awaitUnlocked(Duration.ZERO)).as("free already").isZero();
        StateHandle<Long> handle = state.acquire(Duration.ZERO);
        handle.set(5L);
        handle.commit();
        assertThatThrownBy(() -> watcher.awaitUnlocked(Duration.ofMillis(50)))
                .isInstanceOf(LockAcquisitionTimeoutException.class);
        CompletableFuture<Long> awaited = watcher.awaitUnlockedAsync(Duration.ofHours(1));
        assertThat(awaited).isNotDone();
        handle.close();
        assertThat(awaited.get(scaled(Duration.ofSeconds(10)).toMillis(), TimeUnit.MILLISECONDS))
                .isEqualTo(5L);
    }

    @Test
    void valueBeforeTheFirstWriteIsTheInitialValue() throws Exception {
        Locksmith client = newClient();
        GuardedState<String> state = client.state("fresh", Codec.strings(), "initial", options(LockOptions.defaults()));
        assertThat(state.get()).isEqualTo("initial");
        assertThat(state.updateAsync(v -> v + "+1").get(30, TimeUnit.SECONDS)).isEqualTo("initial+1");
        assertThat(state.get()).isEqualTo("initial+1");
        try (StateHandle<String> h = state.acquire()) {
            h.set("uncommitted");
        }
        assertThat(state.get()).as("closing without commit writes nothing").isEqualTo("initial+1");
    }
}
