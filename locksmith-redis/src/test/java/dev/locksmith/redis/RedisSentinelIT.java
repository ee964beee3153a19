package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.Lease;
import dev.locksmith.Locksmith;
import dev.locksmith.testkit.LockContract;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * {@code redis-sentinel://} against a master, a replica and one Sentinel this test starts on
 * private ports: the lock contract, and a failover after which the backend follows the new master.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisSentinelIT {
    private RedisServer master;
    private RedisServer replica;
    private RedisServer sentinel;

    @BeforeAll
    void start() throws Exception {
        master = RedisServer.start();
        replica = RedisServer.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
        sentinel = RedisServer.sentinel("m", master.port());
        awaitMasterPort(master.port());
    }

    @AfterAll
    void stop() throws Exception {
        for (RedisServer s : new RedisServer[] {sentinel, replica, master}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private String uri() {
        return "redis-sentinel://127.0.0.1:" + sentinel.port() + "/m";
    }

    private int masterPort() {
        try (Jedis j = sentinel.client()) {
            return j.sentinelGetMasterAddrByName("m").get(1).equals("")
                    ? -1
                    : Integer.parseInt(j.sentinelGetMasterAddrByName("m").get(1));
        }
    }

    private void awaitMasterPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (masterPort() != port) {
            assertThat(System.nanoTime()).as("sentinel names port " + port).isLessThan(deadline);
            Thread.sleep(50); // polling Sentinel with a deadline
        }
    }

    @Test
    void followsTheNewMasterAfterAFailover() throws Exception {
        try (Locksmith ls = Locksmith.builder().uri(uri()).namespace("failover").build()) {
            long before;
            try (Lease lease = ls.lock("job").acquire(Duration.ofSeconds(5))) {
                before = lease.fencingToken();
            }
            // let the replica catch up, then swap roles
            try (Jedis m = master.client()) {
                long deadline0 = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (m.waitReplicas(1, 1000) < 1) {
                    assertThat(System.nanoTime()).as("replica in sync").isLessThan(deadline0);
                }
            }
            try (Jedis s = sentinel.client()) {
                s.sentinelFailover("m");
            }
            awaitMasterPort(replica.port());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Long after = null;
            while (after == null) {
                try (Lease lease = ls.lock("job").acquire(Duration.ofSeconds(5))) {
                    after = lease.fencingToken();
                } catch (dev.locksmith.BackendException e) {
                    // the pool still points at the demoted master until Jedis hears from Sentinel
                    assertThat(System.nanoTime())
                            .as("backend follows the failover")
                            .isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            assertThat(after).as("the replica had the counter").isGreaterThan(before);
            ls.forceRelease("job");
            try (Jedis r = replica.client()) {
                r.del(List.of("ls:{failover/job}:fence").toArray(new String[0]));
            }
        }
    }

    /** The lock contract through Sentinel. */
    @Nested
    class SentinelLockContractIT extends LockContract {
        @Override
        protected Locksmith.Builder clientBuilder() {
            return Locksmith.builder().uri(uri());
        }
    }
}
