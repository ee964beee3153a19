package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import redis.clients.jedis.BinaryJedisPubSub;
import redis.clients.jedis.BinaryJedisShardedPubSub;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Backend-level checks of every SPI operation, run against standalone Redis and the cluster. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractRedisBackendTests {
    private static final Duration LONG = Duration.ofSeconds(30);

    private final String prefix = RedisTestSupport.randomPrefix();
    private RedisBackend backendImpl;
    private RedisBackend otherImpl;
    private SpiOps backend;
    private SpiOps other;
    private UnifiedJedis raw;
    private int seq;

    protected abstract String uri();

    @BeforeAll
    void open() {
        backendImpl = RedisTestSupport.open(uri(), prefix);
        otherImpl = RedisTestSupport.open(uri(), prefix);
        backend = new SpiOps(backendImpl);
        other = new SpiOps(otherImpl);
        raw = RedisTestSupport.raw(uri());
    }

    @AfterAll
    void close() {
        try {
            RedisTestSupport.deleteAll(raw, prefix);
        } finally {
            backendImpl.close();
            otherImpl.close();
            raw.close();
        }
    }

    private String key() {
        return "ns/k" + (seq++);
    }

    private static void await(Duration max, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition within " + max).isLessThan(deadline);
            Thread.sleep(5); // polling with a deadline
        }
    }

    @Test
    void grantsRenewsForSameOwnerAndReportsHolder() {
        String k = key();
        AcquireResult first = backend.tryAcquire(k, "a", LONG);
        assertThat(first.isAcquired()).isTrue();
        assertThat(first.ttl()).isEqualTo(LONG);
        AcquireResult again = backend.tryAcquire(k, "a", LONG);
        assertThat(again.isAcquired()).isTrue();
        assertThat(again.fencingToken()).isEqualTo(first.fencingToken());
        AcquireResult held = other.tryAcquire(k, "b", LONG);
        assertThat(held.isAcquired()).isFalse();
        assertThat(held.holder()).isEqualTo("a");
        assertThat(held.ttl()).isPositive().isLessThanOrEqualTo(LONG);
        Optional<LockInfo> info = other.inspect(k);
        assertThat(info).hasValueSatisfying(i -> {
            assertThat(i.name()).isEqualTo(k);
            assertThat(i.owner()).isEqualTo("a");
            assertThat(i.kind()).isEqualTo(LeaseKind.LOCK);
            assertThat(i.fencingToken()).isEqualTo(first.fencingToken());
        });
    }

    @Test
    void tokensIncreaseAcrossGrantsAndArePersistedInTheCounter() {
        String k = key();
        long last = 0;
        for (int i = 0; i < 5; i++) {
            AcquireResult r = backend.tryAcquire(k, "o" + i, LONG);
            assertThat(r.fencingToken()).isGreaterThan(last);
            last = r.fencingToken();
            assertThat(backend.release(k, "o" + i)).isTrue();
        }
        AcquireResult permit = backend.tryAcquirePermit(k, "p", 3, LONG);
        assertThat(permit.fencingToken())
                .as("locks and permits share one counter")
                .isGreaterThan(last);
        // the counter has no TTL
        KeyLayout layout = new KeyLayout(prefix);
        assertThat(raw.pttl(layout.fence(k))).isEqualTo(-1L);
    }

    @Test
    void releaseAndExtendCheckTheOwner() {
        String k = key();
        backend.tryAcquire(k, "a", Duration.ofSeconds(2));
        assertThat(other.release(k, "b")).isFalse();
        assertThat(other.extend(k, "b", LONG)).isFalse();
        assertThat(backend.extend(k, "a", LONG)).isTrue();
        assertThat(backend.inspect(k).orElseThrow().remaining()).isGreaterThan(Duration.ofSeconds(2));
        assertThat(backend.release(k, "a")).isTrue();
        assertThat(backend.release(k, "a")).isFalse();
        assertThat(backend.extend(k, "a", LONG)).isFalse();
        assertThat(backend.inspect(k)).isEmpty();
    }

    @Test
    void expiresByTheServerClock() throws InterruptedException {
        String k = key();
        long token = backend.tryAcquire(k, "a", Duration.ofMillis(50)).fencingToken();
        await(Duration.ofSeconds(5), () -> backend.inspect(k).isEmpty());
        AcquireResult next = other.tryAcquire(k, "b", LONG);
        assertThat(next.fencingToken()).isGreaterThan(token);
        assertThat(backend.extend(k, "a", LONG)).isFalse();
    }

    @Test
    void semaphoreLimitsRenewsExpiresAndReleases() throws InterruptedException {
        String k = key();
        AcquireResult a = backend.tryAcquirePermit(k, "a", 2, LONG);
        AcquireResult b = other.tryAcquirePermit(k, "b", 2, Duration.ofMillis(300));
        assertThat(a.isAcquired()).isTrue();
        assertThat(b.isAcquired()).isTrue();
        assertThat(b.fencingToken()).isGreaterThan(a.fencingToken());
        AcquireResult c = other.tryAcquirePermit(k, "c", 2, LONG);
        assertThat(c.isAcquired()).isFalse();
        assertThat(c.holder()).isNull();
        assertThat(c.ttl()).isLessThanOrEqualTo(Duration.ofMillis(300));
        assertThat(backend.tryAcquirePermit(k, "a", 2, LONG).fencingToken()).isEqualTo(a.fencingToken());
        SemaphoreInfo info = backend.inspectSemaphore(k).orElseThrow();
        assertThat(info.maxPermits()).isEqualTo(2);
        assertThat(info.holders()).extracting(LockInfo::owner).containsExactlyInAnyOrder("a", "b");
        // b's permit expires by the server's TIME; then c fits
        await(Duration.ofSeconds(5), () -> other.tryAcquirePermit(k, "c", 2, LONG)
                .isAcquired());
        assertThat(other.extendPermit(k, "b", LONG)).isFalse();
        assertThat(backend.extendPermit(k, "a", LONG)).isTrue();
        assertThat(backend.releasePermit(k, "x")).isFalse();
        assertThat(backend.releasePermit(k, "a")).isTrue();
        assertThat(backend.releasePermit(k, "a")).isFalse();
        assertThat(backend.inspectSemaphore(k).orElseThrow().holders())
                .extracting(LockInfo::owner)
                .containsExactly("c");
        assertThat(other.releasePermit(k, "c")).isTrue();
        assertThat(backend.inspectSemaphore(k)).isEmpty();
        KeyLayout layout = new KeyLayout(prefix);
        assertThat(raw.exists(layout.permits(k)))
                .as("an idle semaphore leaves no keys")
                .isFalse();
        assertThat(raw.exists(layout.permitTokens(k))).isFalse();
    }

    @Test
    void locksAndPermitsOfOneKeyLiveApart() {
        String k = key();
        assertThat(backend.tryAcquire(k, "a", LONG).isAcquired()).isTrue();
        assertThat(backend.tryAcquirePermit(k, "b", 1, LONG).isAcquired()).isTrue();
        assertThat(backend.release(k, "b")).isFalse();
        assertThat(backend.releasePermit(k, "a")).isFalse();
    }

    @Test
    void extendAllRenewsHeldLeasesInOneBatch() {
        List<LeaseRef> refs = new ArrayList<>();
        List<Boolean> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String k = key();
            boolean lock = i % 2 == 0;
            boolean held = i % 3 != 0;
            if (held) {
                if (lock) {
                    backend.tryAcquire(k, "me", Duration.ofSeconds(2));
                } else {
                    backend.tryAcquirePermit(k, "me", 2, Duration.ofSeconds(2));
                }
            }
            refs.add(new LeaseRef(lock ? LeaseKind.LOCK : LeaseKind.PERMIT, k, "me", LONG));
            expected.add(held);
        }
        boolean[] out = backendImpl.extendAll(refs);
        for (int i = 0; i < refs.size(); i++) {
            assertThat(out[i]).as("lease " + i).isEqualTo(expected.get(i));
            LeaseRef r = refs.get(i);
            if (expected.get(i)) {
                Duration remaining = r.kind() == LeaseKind.LOCK
                        ? backend.inspect(r.key()).orElseThrow().remaining()
                        : backend.inspectSemaphore(r.key())
                                .orElseThrow()
                                .holders()
                                .get(0)
                                .remaining();
                assertThat(remaining).isGreaterThan(Duration.ofSeconds(2));
            }
        }
        assertThat(backendImpl.extendAll(List.of())).isEmpty();
    }

    @Test
    void listsByPrefixAndForceReleases() {
        backend.tryAcquire("list/a", "o1", LONG);
        backend.tryAcquire("list/b{x}", "o2", LONG);
        backend.tryAcquirePermit("list/s", "o3", 5, LONG);
        backend.tryAcquirePermit("list/s", "o4", 5, LONG);
        backend.tryAcquire("lister/c", "o5", LONG);
        backend.tryAcquire("lis*", "o6", LONG);
        assertThat(backendImpl.list("list/"))
                .extracting(LockInfo::name, LockInfo::owner)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("list/a", "o1"),
                        org.assertj.core.groups.Tuple.tuple("list/b{x}", "o2"),
                        org.assertj.core.groups.Tuple.tuple("list/s", "o3"),
                        org.assertj.core.groups.Tuple.tuple("list/s", "o4"));
        assertThat(backendImpl.list("lis*")).extracting(LockInfo::owner).containsExactly("o6");
        backend.tryAcquire("list/s", "lockholder", LONG);
        List<LockInfo> removed = otherImpl.forceRelease("list/s");
        assertThat(removed).extracting(LockInfo::owner).containsExactlyInAnyOrder("lockholder", "o3", "o4");
        assertThat(backend.inspect("list/s")).isEmpty();
        assertThat(backend.inspectSemaphore("list/s")).isEmpty();
        assertThat(backend.extend("list/s", "lockholder", LONG)).isFalse();
        assertThat(otherImpl.forceRelease("list/none")).isEmpty();
    }

    @Test
    void guardedStateIsWrittenOnlyByTheHolder() throws InterruptedException {
        String k = key();
        assertThat(backendImpl.readState(k)).isEmpty();
        long t1 = backend.tryAcquire(k, "a", LONG).fencingToken();
        assertThat(backendImpl.writeState(k, "a", t1, bytes("one"), null)).isEqualTo(WriteOutcome.WRITTEN);
        assertThat(otherImpl.writeState(k, "b", t1, bytes("evil"), null)).isEqualTo(WriteOutcome.NOT_HELD);
        assertThat(backendImpl.writeState(k, "a", t1 + 7, bytes("evil"), null)).isEqualTo(WriteOutcome.NOT_HELD);
        StoredState s = otherImpl.readState(k).orElseThrow();
        assertThat(new String(s.value(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(s.fencingToken()).isEqualTo(t1);
        backend.release(k, "a");
        assertThat(backendImpl.writeState(k, "a", t1, bytes("late"), null)).isEqualTo(WriteOutcome.NOT_HELD);
        long t2 = other.tryAcquire(k, "b", LONG).fencingToken();
        assertThat(backendImpl.writeState(k, "a", t1, bytes("stale"), null)).isEqualTo(WriteOutcome.STALE_TOKEN);
        byte[] binary = {0, (byte) 0xff, 10, 13, '|'};
        assertThat(otherImpl.writeState(k, "b", t2, binary, Duration.ofMillis(100)))
                .isEqualTo(WriteOutcome.WRITTEN);
        assertThat(backendImpl.readState(k).orElseThrow().value()).isEqualTo(binary);
        await(Duration.ofSeconds(5), () -> backendImpl.readState(k).isEmpty());
    }

    @Test
    void aReleaseNamesTheNextQueuedWaiterAndPublishesOnlyWhenSomeoneWaits() throws Exception {
        String k = key();
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        BlockingQueue<String> seenOn = new LinkedBlockingQueue<>();
        CountDownLatch subscribed = new CountDownLatch(1);
        // classic pub/sub: the shared channel, and every client's own channel next to it
        BinaryJedisPubSub spy = new BinaryJedisPubSub() {
            @Override
            public void onPSubscribe(byte[] pattern, int count) {
                subscribed.countDown();
            }

            @Override
            public void onPMessage(byte[] pattern, byte[] channel, byte[] message) {
                seen.add(new String(message, StandardCharsets.UTF_8));
                seenOn.add(new String(channel, StandardCharsets.UTF_8));
            }
        };
        // on a cluster with sharded pub/sub, releases go to the key's own shard channel
        BinaryJedisShardedPubSub shardSpy = new BinaryJedisShardedPubSub() {
            @Override
            public void onSSubscribe(byte[] channel, int count) {
                if (count == 2) {
                    subscribed.countDown();
                }
            }

            @Override
            public void onSMessage(byte[] channel, byte[] message) {
                seen.add(new String(message, StandardCharsets.UTF_8));
                seenOn.add(new String(channel, StandardCharsets.UTF_8));
            }
        };
        boolean sharded = backendImpl.shardedPubSub();
        Thread t = new Thread(() -> {
            if (sharded) {
                String shared = new KeyLayout(prefix).releaseChannel(k);
                // the key's channel, and the waiting client's own channel for the key
                ((JedisCluster) raw).ssubscribe(shardSpy, bytes(shared), bytes(shared + ":" + otherImpl.tag()));
            } else {
                raw.psubscribe(spy, bytes(KeyLayout.globEscape(prefix) + "release*"));
            }
        });
        t.setDaemon(true);
        t.start();
        BlockingQueue<String> heard = new LinkedBlockingQueue<>();
        try (Subscription sub = otherImpl.subscribe(LeaseKind.LOCK, k, next -> heard.add(String.valueOf(next)));
                Subscription permitSub = otherImpl.subscribe(LeaseKind.PERMIT, k, next -> heard.add("P" + next))) {
            assertThat(subscribed.await(10, TimeUnit.SECONDS)).isTrue();
            // nobody waits for a subscription to take effect: once it has, the listeners are told
            // once, naming nobody (for a key, or for the client's first key); a first hand-off,
            // heard after that, shows where that ends
            String own = sharded
                    ? new KeyLayout(prefix).releaseChannel(k) + ":" + otherImpl.tag()
                    : prefix + "release:" + otherImpl.tag();
            RedisTestSupport.eventually(() -> sharded
                    ? RedisClusterSupport.shardSubscribers(own) == 2
                    : RedisTestSupport.subscribers(uri(), own) == 1);
            backend.tryAcquire(k, "a", LONG);
            assertThat(other.tryAcquireOrQueue(k, "m", LONG).isAcquired()).isFalse();
            assertThat(backend.release(k, "a")).isTrue();
            for (String h = heard.poll(10, TimeUnit.SECONDS); !"m".equals(h); h = heard.poll(10, TimeUnit.SECONDS)) {
                assertThat(h)
                        .as("only the subscriptions' own wake-ups come first")
                        .isIn("null", "Pnull");
            }
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("L" + k + "\nm");
            assertThat(seenOn.poll(10, TimeUnit.SECONDS)).isEqualTo(own);
            assertThat(other.tryAcquire(k, "m", LONG).isAcquired()).isTrue();
            assertThat(other.release(k, "m")).isTrue();
            assertThat(heard).isEmpty();
            // nobody waits: nothing is published
            backend.tryAcquire(k, "a", LONG);
            backend.release(k, "a");
            // a single attempt that failed does not queue: still nothing
            backend.tryAcquire(k, "a", LONG);
            assertThat(other.tryAcquire(k, "b", LONG).isAcquired()).isFalse();
            assertThat(backend.release(k, "a")).isTrue();
            // two queued waiters: each release names one of them, and takes it out of the queue
            backend.tryAcquire(k, "a", LONG);
            assertThat(other.tryAcquireOrQueue(k, "b", LONG).isAcquired()).isFalse();
            assertThat(other.tryAcquireOrQueue(k, "c", LONG).isAcquired()).isFalse();
            assertThat(backend.release(k, "a")).isTrue();
            String first = heard.poll(10, TimeUnit.SECONDS);
            assertThat(first).isIn("b", "c");
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("L" + k + "\n" + first);
            assertThat(seenOn.poll(10, TimeUnit.SECONDS))
                    .as("published on the waiting client's own channel only")
                    .isEqualTo(
                            sharded
                                    ? new KeyLayout(prefix).releaseChannel(k) + ":" + otherImpl.tag()
                                    : prefix + "release:" + otherImpl.tag());
            // the free lock is reserved for the named waiter for the hand-off window
            AcquireResult barging = backend.tryAcquire(k, "a", LONG);
            assertThat(barging.isAcquired())
                    .as("taken back by the releasing owner")
                    .isFalse();
            assertThat(barging.holder()).isEqualTo(first);
            assertThat(barging.ttl()).isLessThanOrEqualTo(RedisOptions.DEFAULT_HAND_OFF_WINDOW);
            assertThat(other.tryAcquire(k, first, LONG).isAcquired()).isTrue();
            assertThat(other.release(k, first)).isTrue();
            String second = first.equals("b") ? "c" : "b";
            assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo(second);
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("L" + k + "\n" + second);
            assertThat(other.tryAcquire(k, second, LONG).isAcquired()).isTrue();
            assertThat(other.release(k, second)).isTrue();
            // a waiter that left the queue is not named, and with nobody else waiting nothing is published
            backend.tryAcquire(k, "a", LONG);
            assertThat(other.tryAcquireOrQueue(k, "d", LONG).isAcquired()).isFalse();
            otherImpl.leaveQueue(LeaseKind.LOCK, k, "d");
            assertThat(backend.release(k, "a")).isTrue();
            // a watcher gets the release published, naming nobody
            backend.tryAcquire(k, "a", LONG);
            assertThat(other.inspectOrWatch(k)).isPresent();
            assertThat(backend.release(k, "a")).isTrue();
            assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("null");
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("L" + k + "\n");
            seenOn.clear();
            // the same for a permit
            backend.tryAcquirePermit(k, "a", 1, LONG);
            assertThat(other.tryAcquirePermitOrQueue(k, "b", 1, LONG).isAcquired())
                    .isFalse();
            assertThat(backend.releasePermit(k, "a")).isTrue();
            assertThat(heard.poll(10, TimeUnit.SECONDS)).isEqualTo("Pb");
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("P" + k + "\nb");
            assertThat(seen).as("nothing else was published").isEmpty();
            assertThat(heard).isEmpty();
        } finally {
            if (sharded) {
                shardSpy.sunsubscribe();
            } else {
                spy.punsubscribe();
            }
            t.join(5000);
        }
    }

    @Test
    void aReservationForANamedWaiterThatNeverComesEndsWithTheHandOffWindowAndForceReleaseDropsIt() throws Exception {
        String k = key();
        assertThat(backend.tryAcquire(k, "a", LONG).isAcquired()).isTrue();
        assertThat(other.tryAcquireOrQueue(k, "ghost", LONG).isAcquired()).isFalse();
        assertThat(backend.release(k, "a")).isTrue();
        assertThat(backend.inspect(k)).as("free, though reserved").isEmpty();
        assertThat(backend.tryAcquire(k, "late", LONG).isAcquired()).isFalse();
        await(Duration.ofSeconds(5), () -> backend.tryAcquire(k, "late", LONG).isAcquired());
        assertThat(backend.release(k, "late")).isTrue();

        assertThat(backend.tryAcquire(k, "a", LONG).isAcquired()).isTrue();
        assertThat(other.tryAcquireOrQueue(k, "ghost", LONG).isAcquired()).isFalse();
        assertThat(backend.release(k, "a")).isTrue();
        backendImpl.forceRelease(k);
        assertThat(backend.tryAcquire(k, "late", LONG).isAcquired())
                .as("force-release also drops the reservation")
                .isTrue();
        backend.release(k, "late");
    }

    @Test
    void withoutAHandOffWindowAFreedLockGoesToWhoeverAsksFirst() {
        String k = key();
        try (RedisBackend noWindowImpl =
                RedisTestSupport.open(uri() + (uri().contains("?") ? "&" : "?") + "handOffWindow=0", prefix)) {
            SpiOps noWindow = new SpiOps(noWindowImpl);
            assertThat(noWindow.tryAcquire(k, "a", LONG).isAcquired()).isTrue();
            assertThat(other.tryAcquireOrQueue(k, "b", LONG).isAcquired()).isFalse();
            assertThat(noWindow.release(k, "a")).isTrue();
            assertThat(noWindow.tryAcquire(k, "a", LONG).isAcquired())
                    .as("barging allowed")
                    .isTrue();
            assertThat(noWindow.release(k, "a")).isTrue();
        }
    }

    @Test
    void manyWaitedOnKeysShareOneSubscriptionConnection() throws Exception {
        List<Subscription> subs = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            subs.add(backendImpl.subscribe(LeaseKind.LOCK, "many/" + i, next -> {}));
        }
        try {
            if (backendImpl.shardedPubSub()) {
                // a cluster: a channel per key, and at most one connection per master holds them
                assertThat(RedisTestSupport.subscribers(uri(), prefix + "release"))
                        .isZero();
                ShardedFeed feed = (ShardedFeed) backendImpl.releaseFeed();
                RedisTestSupport.eventually(() -> feed.connections() > 0); // subscribers do not wait
                assertThat(feed.connections()).isBetween(1, RedisClusterSupport.PORTS.length);
                int[] slotPorts = RedisClusterSupport.slotPorts();
                Map<Integer, Long> perPort = new HashMap<>();
                for (int i = 0; i < 10_000; i++) {
                    String channel = new KeyLayout(prefix).releaseChannel("many/" + i);
                    // the key's channel and this client's own channel for it, in the same slot
                    perPort.merge(slotPorts[RedisClusterSupport.slot(channel)], 2L, Long::sum);
                }
                for (Map.Entry<Integer, Long> e : perPort.entrySet()) {
                    RedisTestSupport.eventually(
                            () -> RedisClusterSupport.connectionsHolding(e.getKey(), e.getValue()) == 1L);
                    assertThat(RedisClusterSupport.connectionsHolding(e.getKey(), e.getValue()))
                            .as("connections to %d holding its %d channels", e.getKey(), e.getValue())
                            .isEqualTo(1L);
                }
            } else {
                // the shared listener plus the spy-free clients: exactly one subscriber per backend
                RedisTestSupport.eventually(() -> RedisTestSupport.subscribers(uri(), prefix + "release") > 0);
                long subscribers = RedisTestSupport.subscribers(uri(), prefix + "release");
                assertThat(subscribers).isEqualTo(1L);
            }
        } finally {
            subs.forEach(Subscription::close);
        }
    }

    @Test
    void keysWithBracesKeepEveryPartInOneSlot() {
        String[] names = {"b/{x}", "b/}{", "b/a}b", "b/%7D", "b/}", "b/{"};
        long last = 0;
        for (String n : names) {
            AcquireResult r = backend.tryAcquire(n, "o", LONG);
            assertThat(r.isAcquired()).as(n).isTrue();
            last = Math.max(last, r.fencingToken());
            KeyLayout layout = new KeyLayout(prefix);
            int slot = JedisClusterCRC16.getSlot(layout.lock(n));
            assertThat(JedisClusterCRC16.getSlot(layout.fence(n))).isEqualTo(slot);
            assertThat(JedisClusterCRC16.getSlot(layout.permits(n))).isEqualTo(slot);
            assertThat(JedisClusterCRC16.getSlot(layout.state(n))).isEqualTo(slot);
        }
        assertThat(backendImpl.list("b/")).extracting(LockInfo::name).containsExactlyInAnyOrder(names);
        assertThat(backend.inspect("b/}").orElseThrow().name()).isEqualTo("b/}");
        assertThat(backend.tryAcquire("b/%7D", "other", LONG).isAcquired()).isFalse();
    }

    @Test
    void rejectsNonPositiveTtl() {
        assertThatThrownBy(() -> backend.tryAcquire(key(), "a", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> backend.tryAcquirePermit(key(), "a", 0, LONG))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxPermits");
    }

    @Test
    void aTtlTooLongForRedisNeverOverflows() {
        // the engine rejects TTLs over its documented maximum first; the store itself saturates
        // the milliseconds and lets Redis refuse them, and never throws ArithmeticException
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(
                () -> backend.tryAcquire(key(), "a", Duration.ofSeconds(Long.MAX_VALUE)));
        assertThat(t).isInstanceOf(dev.locksmith.BackendException.class);
        assertThat(((dev.locksmith.BackendException) t).isTransient()).isFalse();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
