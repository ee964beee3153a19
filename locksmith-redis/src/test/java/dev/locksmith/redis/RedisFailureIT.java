package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.BackendException;
import dev.locksmith.DistributedLock;
import dev.locksmith.Lease;
import dev.locksmith.LeaseLoss;
import dev.locksmith.LockAcquisitionTimeoutException;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.Jedis;

/**
 * Redis-specific failures, against a redis-server this test starts itself on a private port (it
 * deletes keys, flushes scripts and freezes the server).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisFailureIT {
    private RedisServer server;

    @BeforeAll
    void start() throws Exception {
        server = RedisServer.start();
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    private Locksmith client(String query) {
        return Locksmith.builder()
                .uri(server.uri() + query)
                .namespace("it" + System.nanoTime())
                .build();
    }

    @Test
    void holderHearsOfLossWithinOneExtensionPeriodWhenItsKeyIsDeleted() throws Exception {
        Duration ttl = Duration.ofSeconds(3); // auto-extension every ttl / 3
        try (Locksmith ls = client("");
                Jedis raw = server.client()) {
            Lease lease = ls.lock("victim", LockOptions.builder().ttl(ttl).build())
                    .tryAcquire()
                    .orElseThrow();
            long start = System.nanoTime();
            raw.del(new KeyLayout(RedisOptions.DEFAULT_KEY_PREFIX).lock(ls.namespace() + "/victim"));
            LeaseLoss loss = lease.whenLost().get(ttl.toMillis(), TimeUnit.MILLISECONDS);
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertThat(loss.reason())
                    .as("found out by a failed extension, not by the local deadline")
                    .isEqualTo(LeaseLoss.Reason.NOT_HELD);
            assertThat(lease.isValid()).isFalse();
            assertThat(elapsedMs)
                    .as("one extension period is %d ms", ttl.toMillis() / 3)
                    .isLessThan(ttl.toMillis());
        }
    }

    @Test
    void scriptFlushCostsOneReloadPerScript() {
        try (RedisBackend backend = RedisTestSupport.open(server.uri(), "flush:");
                Jedis raw = server.client()) {
            assertThat(new SpiOps(backend)
                            .tryAcquire("ns/a", "o", Duration.ofSeconds(10))
                            .isAcquired())
                    .isTrue();
            raw.scriptFlush();
            raw.configResetStat();
            assertThat(new SpiOps(backend).release("ns/a", "o")).isTrue(); // NOSCRIPT, then EVAL
            assertThat(new SpiOps(backend)
                            .tryAcquire("ns/a", "o", Duration.ofSeconds(10))
                            .isAcquired())
                    .isTrue(); // NOSCRIPT, then EVAL
            assertThat(new SpiOps(backend).release("ns/a", "o")).isTrue(); // cached again: EVALSHA only
            assertThat(new SpiOps(backend)
                            .tryAcquire("ns/a", "o", Duration.ofSeconds(10))
                            .isAcquired())
                    .isTrue();
            String stats = raw.info("commandstats");
            assertThat(calls(stats, "eval")).isEqualTo(2);
            assertThat(calls(stats, "evalsha")).isEqualTo(4);
            raw.del("flush:{ns/a}:lock", "flush:{ns/a}:fence");
        }
    }

    private static long calls(String commandstats, String cmd) {
        for (String line : commandstats.split("\r?\n")) {
            if (line.startsWith("cmdstat_" + cmd + ":calls=")) {
                String rest = line.substring(("cmdstat_" + cmd + ":calls=").length());
                return Long.parseLong(rest.substring(0, rest.indexOf(',')));
            }
        }
        return 0;
    }

    @Test
    void connectionKilledDuringAHeldLeaseNeverLeavesAFalselyValidLease() throws Exception {
        Duration ttl = Duration.ofSeconds(1);
        try (Locksmith ls = client("?socketTimeout=300ms");
                Jedis raw = server.client()) {
            Lease lease = ls.lock("cut", LockOptions.builder().ttl(ttl).build())
                    .tryAcquire()
                    .orElseThrow();
            raw.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                    .type(redis.clients.jedis.args.ClientType.NORMAL)
                    .skipMe(redis.clients.jedis.params.ClientKillParams.SkipMe.YES));
            // two lease lengths later the lease is either renewed over a new connection, or reported lost
            long deadline = System.nanoTime() + ttl.multipliedBy(2).toNanos();
            while (System.nanoTime() < deadline) {
                Thread.sleep(50); // watching the lease over time, not waiting for a condition
            }
            if (lease.isValid()) {
                assertThat(ls.lock("cut").inspect())
                        .as("a lease that says it is valid is held in the store")
                        .hasValueSatisfying(i -> assertThat(i.owner()).isEqualTo(lease.owner()));
            } else {
                assertThat(lease.whenLost()).isDone();
            }
            lease.release();
        }
    }

    @Test
    void frozenServerEndsInLossNotAHang() throws Exception {
        Duration ttl = Duration.ofSeconds(1);
        try (Locksmith ls = client("?socketTimeout=200ms")) {
            Lease lease = ls.lock("frozen", LockOptions.builder().ttl(ttl).build())
                    .tryAcquire()
                    .orElseThrow();
            server.freeze();
            try {
                LeaseLoss loss = lease.whenLost().get(ttl.multipliedBy(5).toMillis(), TimeUnit.MILLISECONDS);
                assertThat(loss.reason()).isEqualTo(LeaseLoss.Reason.EXPIRED);
                assertThat(lease.isValid()).isFalse();
                long start = System.nanoTime();
                assertThatThrownBy(() -> ls.lock("frozen").inspect()).isInstanceOf(BackendException.class);
                // each try fails after the 200 ms socket timeout as transient; the engine tries
                // again for its 2 s failure window, then throws the last failure
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                        .as("a call fails within the engine's failure window plus one socket timeout")
                        .isBetween(1800L, 2000L + 200 + 400);
            } finally {
                server.thaw();
            }
        }
    }

    @Test
    void releaseListenerReconnectsAndWakesWaitersAfterItsConnectionIsKilled() throws Exception {
        try (RedisBackend backend = RedisTestSupport.open(server.uri(), "pubsub:");
                Jedis raw = server.client()) {
            java.util.concurrent.Semaphore wakes = new java.util.concurrent.Semaphore(0);
            var subscription = backend.subscribe(dev.locksmith.LeaseKind.LOCK, "ns/w", next -> wakes.release());
            // nobody waits for the subscription: it says when it is in effect
            subscription.ready().get(10, TimeUnit.SECONDS);
            assertThat(wakes.availablePermits())
                    .as("the first connection tells nobody")
                    .isZero();
            raw.clientKill(redis.clients.jedis.params.ClientKillParams.clientKillParams()
                    .type(redis.clients.jedis.args.ClientType.PUBSUB));
            // releases published while it was away are lost: it wakes every waiter once on return
            assertThat(wakes.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            assertThat(RedisTestSupport.subscribers(server.uri(), "pubsub:release"))
                    .isEqualTo(1);
            // and it hears releases again
            new SpiOps(backend).tryAcquire("ns/w", "a", Duration.ofSeconds(10));
            assertThat(new SpiOps(backend)
                            .tryAcquireOrQueue("ns/w", "b", Duration.ofSeconds(10))
                            .isAcquired())
                    .isFalse();
            assertThat(new SpiOps(backend).release("ns/w", "a")).isTrue();
            assertThat(wakes.tryAcquire(10, TimeUnit.SECONDS)).isTrue();
            raw.del("pubsub:{ns/w}:fence", "pubsub:{ns/w}:lq");
        }
    }

    /**
     * A frozen server must not make {@code acquire(maxWait)} wait maxWait plus the socket timeout
     * (2 s by default): each store call is bounded by the time left. Before calls were bounded this
     * took about 2 s for a 1 s maxWait.
     */
    @Test
    void aFrozenServerDoesNotMakeAcquireOverrunItsMaxWait() throws Exception {
        String ns = "it" + System.nanoTime();
        try (Locksmith holder =
                        Locksmith.builder().uri(server.uri()).namespace(ns).build();
                Locksmith waiter =
                        Locksmith.builder().uri(server.uri()).namespace(ns).build()) {
            Lease held = holder.lock(
                            "still",
                            LockOptions.builder().ttl(Duration.ofSeconds(30)).build())
                    .tryAcquire()
                    .orElseThrow();
            DistributedLock lock = waiter.lock("still");
            assertThat(lock.tryAcquire()).isEmpty(); // the waiter has a pooled connection
            server.freeze();
            long start = System.nanoTime();
            try {
                assertThatThrownBy(() -> lock.acquire(Duration.ofSeconds(1)))
                        .isInstanceOfAny(LockAcquisitionTimeoutException.class, BackendException.class);
            } finally {
                server.thaw();
            }
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as("acquire(1 s) on a frozen server")
                    .isLessThan(1500);
            held.release();
        }
    }

    @Test
    void unreachableServerFailsWithinTheConnectTimeout() {
        for (String uri : new String[] {"redis://10.255.255.1:6379", "redis://127.0.0.1:" + closedPort()}) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Locksmith.builder()
                            .uri(uri)
                            .connectTimeout(Duration.ofMillis(500))
                            .build())
                    .isInstanceOf(BackendException.class)
                    .hasMessageContaining("cannot connect to redis");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start))
                    .as(uri)
                    .isLessThan(500 + 1500);
        }
    }

    @Test
    void malformedUrisFailClearly() {
        assertThatThrownBy(() -> Locksmith.connect("redis://localhost:notaport"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("port");
        assertThatThrownBy(() -> Locksmith.connect("redis://localhost?timeout=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout");
    }

    private static int closedPort() {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
