package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.BackendException;
import dev.locksmith.spi.AcquireResult;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/** {@code replicaAcks}: grants wait for {@code WAIT n}, and are undone when fewer replicas acknowledge. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisReplicaAckIT {
    private static final Duration TTL = Duration.ofSeconds(30);
    private RedisServer master;
    private RedisServer replica;

    @BeforeAll
    void start() throws Exception {
        master = RedisServer.start();
        replica = RedisServer.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        try (Jedis m = master.client()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!m.info("replication").contains("state=online")) {
                assertThat(System.nanoTime()).as("replica connected").isLessThan(deadline);
                Thread.sleep(20); // polling the master with a deadline
            }
        }
        awaitReplicaAcks();
    }

    /** "online" is not yet acknowledging: wait until the replica acks a write (it may be loading the first sync). */
    private void awaitReplicaAcks() {
        try (Jedis m = master.client()) {
            m.set("replica-ack-warmup", "1");
            assertThat(m.waitReplicas(1, 30_000))
                    .as("replica acknowledges writes")
                    .isEqualTo(1L);
            m.del("replica-ack-warmup");
        }
    }

    @AfterAll
    void stop() throws Exception {
        replica.close();
        master.close();
    }

    private RedisBackend open(int acks) {
        return (RedisBackend) new RedisBackendProvider()
                .open(
                        URI.create(master.uri() + "?replicaAcks=" + acks + "&replicaAckTimeout=1s"),
                        RedisTestSupport.context());
    }

    @Test
    void grantAcknowledgedByEnoughReplicasIsOnTheReplica() {
        try (RedisBackend b = open(1);
                Jedis r = replica.client()) {
            AcquireResult res = new SpiOps(b).tryAcquire("ns/acked", "o", TTL);
            assertThat(res.isAcquired()).isTrue();
            assertThat(r.get("ls:{ns/acked}:lock")).isEqualTo(res.fencingToken() + "|o");
            assertThat(new SpiOps(b).tryAcquirePermit("ns/acked", "p", 1, TTL).isAcquired())
                    .isTrue();
            assertThat(new SpiOps(b).tryAcquire("ns/acked", "other", TTL).isAcquired())
                    .isFalse();
        }
    }

    @Test
    void grantAcknowledgedByTooFewReplicasIsUndone() throws Exception {
        try (RedisBackend b = open(2)) {
            assertThatThrownBy(() -> new SpiOps(b).tryAcquire("ns/few", "o", TTL))
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("1 of 2 replicas")
                    .hasMessageContaining("undone");
            assertThat(new SpiOps(b).inspect("ns/few")).isEmpty();
        }
        try (RedisBackend b = open(1)) {
            replica.freeze();
            try {
                assertThatThrownBy(() -> new SpiOps(b).tryAcquirePermit("ns/few", "o", 3, TTL))
                        .isInstanceOf(BackendException.class)
                        .hasMessageContaining("0 of 1 replicas");
                assertThat(new SpiOps(b).inspectSemaphore("ns/few")).isEmpty();
            } finally {
                replica.thaw();
                awaitReplicaAcks();
            }
        }
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> RedisOptions.builder()
                        .replicaAcks(1)
                        .replicaAckTimeout(Duration.ofSeconds(5))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("socketTimeout");
    }
}
