package dev.locksmith.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.Lease;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing a client fails its pending acquisitions and leaves nothing held: an acquire racing
 * {@code close()} either fails or returns a lease that is then reported lost, and in both cases
 * the store holds nothing afterwards (no lease orphaned until its TTL).
 */
public abstract class CloseContract extends LocksmithContract {

    protected CloseContract() {}

    /** How many close races to run. */
    protected int closeRaces() {
        return 40;
    }

    @Test
    void closeRacingAnAcquireLeavesNothingHeld() throws Exception {
        Locksmith observer = newClient();
        LockOptions options = LockOptions.builder().ttl(Duration.ofSeconds(30)).build();
        int orphans = 0;
        for (int i = 0; i < closeRaces(); i++) {
            Locksmith racing = clientBuilder().namespace(namespace()).build();
            String name = "race-" + i;
            CompletableFuture<Lease> acquired = CompletableFuture.supplyAsync(
                    () -> racing.lock(name, options).acquire(Duration.ofSeconds(5)));
            // let the acquire get under way at a varying point, then close under it
            long pauseNanos = (i % 8) * 100_000L;
            long until = System.nanoTime() + pauseNanos;
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
            racing.close();
            Lease lease = acquired.handle((l, e) -> l).get(10, TimeUnit.SECONDS);
            if (lease != null) {
                assertThat(lease.isValid())
                        .as("a lease returned across close() is not valid")
                        .isFalse();
            }
            if (observer.lock(name).inspect().isPresent()) {
                orphans++;
                observer.forceRelease(name);
            }
        }
        assertThat(orphans)
                .as("locks left held in the store after close() raced an acquire")
                .isZero();
    }
}
