package dev.locksmith.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.locksmith.BackendException;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.testkit.TcpProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server that stops answering (a proxy holding its replies): an acquire gives up at its
 * {@code maxWait} (each store call bounded by the time left, at least 250 ms), not at the driver's
 * own timeouts.
 */
class MongoFrozenServerIT {
    private final String namespace = "fz-" + UUID.randomUUID().toString().substring(0, 8);
    private TcpProxy proxy;
    private Locksmith client;

    @AfterEach
    void close() {
        if (proxy != null) {
            proxy.release();
        }
        if (client != null) {
            client.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        TestMongo.deleteNamespace(namespace);
    }

    @Test
    void anAcquireOnAFrozenServerEndsAtItsMaxWait() {
        InetSocketAddress target = TestMongo.proxyTarget();
        assumeTrue(target != null, "no single loopback server to put a proxy in front of");
        proxy = new TcpProxy(target);
        client = Locksmith.builder()
                .uri(TestMongo.uriVia(proxy.port(), "locksmith.changeStreams=false"))
                .namespace(namespace)
                .build();
        LockOptions options = LockOptions.builder()
                .ttl(Duration.ofSeconds(30))
                .autoExtend(false)
                .build();
        client.lock("warm", options).acquire(Duration.ZERO).release();
        proxy.hold();
        long start = System.nanoTime();
        assertThatThrownBy(() -> client.lock("frozen", options).acquire(Duration.ofSeconds(1)))
                .isInstanceOfAny(BackendException.class, LockAcquisitionTimeoutException.class);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took)
                .as("retried until maxWait, then given up within one bounded call")
                .isBetween(Duration.ofMillis(900), Duration.ofMillis(1800));
    }
}
