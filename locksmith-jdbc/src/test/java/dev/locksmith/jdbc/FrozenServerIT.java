package dev.locksmith.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.LockException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.testkit.TcpProxy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A server that stops answering (a TCP proxy holding every byte, as a SIGSTOPped server does):
 * {@code acquire(maxWait)} still returns within about maxWait (issue 18 point 3: 14 to 19 s for
 * 2 s on a frozen PostgreSQL before the store bounded its calls), and never with a lease.
 */
class FrozenServerIT {
    static final TestDatabase POSTGRES = TestDatabase.postgres();
    static final TestDatabase MARIADB = TestDatabase.mariadb();

    static List<TestDatabase> databases() {
        return List.of(POSTGRES, MARIADB);
    }

    @AfterAll
    static void dropTables() throws Exception {
        POSTGRES.drop();
        MARIADB.drop();
    }

    @Timeout(60) // before the store bounded its calls, the first acquire waited until the proxy let go
    @ParameterizedTest
    @MethodSource("databases")
    void anAcquireOnAFrozenServerEndsWithinItsMaxWait(TestDatabase db) {
        LockOptions options = LockOptions.builder().ttl(Duration.ofSeconds(30)).build();
        try (TcpProxy proxy = new TcpProxy(db.address());
                Locksmith client = db.clientBuilderVia(proxy.port()).build()) {
            client.lock("warm", options).tryAcquire().orElseThrow().release(); // a pooled connection exists
            proxy.hold();
            for (Duration maxWait : List.of(Duration.ofSeconds(2), Duration.ofMillis(500))) {
                long start = System.nanoTime();
                assertThatThrownBy(() -> client.lock("frozen", options).acquire(maxWait))
                        .isInstanceOf(LockException.class);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                System.out.println(db.url + ": acquire(" + maxWait + ") on a frozen server took " + took);
                assertThat(took).as("acquire(%s) on a frozen server", maxWait).isLessThan(maxWait.plusMillis(700));
            }
            proxy.release();
        }
    }
}
