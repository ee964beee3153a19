package dev.locksmith.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.locksmith.Lease;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockOptions;
import dev.locksmith.Locksmith;
import dev.locksmith.RetryPolicy;
import dev.locksmith.spi.Subscription;
import dev.locksmith.testkit.CountingBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.UnifiedJedis;

/**
 * Release notifications over sharded pub/sub on the local 3-master cluster: a channel per key in
 * the key's slot, one subscription connection per master, and resubscription when a slot moves or
 * a connection drops. Waiters use a one-hour retry and a 30 s lease, so within the 10 s a test
 * waits, only a notification can wake them.
 */
class RedisClusterShardedPubSubIT {
    private static final Duration HOUR = Duration.ofHours(1);
    private static final LockOptions WAITS_FOR_NOTIFICATIONS = LockOptions.builder()
            .ttl(Duration.ofSeconds(30))
            .retry(RetryPolicy.fixed(HOUR))
            .build();
    private static final String NAMESPACE = "sharded";

    private final String prefix = RedisTestSupport.randomPrefix();
    private final String clientName = "lsit-" + prefix.substring(5, 13);
    private final List<RedisBackend> backends = new ArrayList<>();
    private final List<Locksmith> clients = new ArrayList<>();

    private RedisBackend backend(String query) {
        RedisBackend b = RedisTestSupport.open(
                RedisTestSupport.CLUSTER + "?clientName=" + clientName + (query.isEmpty() ? "" : "&" + query), prefix);
        backends.add(b);
        return b;
    }

    private Locksmith client(CountingBackend store) {
        Locksmith c = Locksmith.builder().backend(store).namespace(NAMESPACE).build();
        clients.add(c);
        return c;
    }

    private String channel(String name) {
        return new KeyLayout(prefix).releaseChannel(NAMESPACE + "/" + name);
    }

    @AfterEach
    void closeAll() {
        clients.forEach(Locksmith::close);
        backends.forEach(RedisBackend::close);
        try (UnifiedJedis raw = RedisTestSupport.raw(RedisTestSupport.CLUSTER)) {
            RedisTestSupport.deleteAll(raw, prefix);
        }
    }

    /**
     * The waiter's attempts once it sleeps: its first, its look right after subscribing, and one
     * more if the feed's wake-up (it tells a key's listeners once its channels are in effect, since
     * nobody waits for that) came after that look. Settled: unchanged for 300 ms.
     */
    private static long settledAttempts(CountingBackend store, BooleanSupplier subscribed) throws InterruptedException {
        RedisTestSupport.eventually(subscribed);
        RedisTestSupport.eventually(() -> store.answeredAttempts() >= 2);
        long n = store.answeredAttempts();
        for (long seen = -1; seen != n; n = store.answeredAttempts()) {
            seen = n;
            Thread.sleep(300);
        }
        assertThat(n).isBetween(2L, 3L);
        return n;
    }

    @Test
    void aReleaseTravelsOverTheKeysShardChannelNotTheClassicOne() throws Exception {
        RedisBackend holderBackend = backend("");
        RedisBackend waiterBackend = backend("");
        assertThat(waiterBackend.shardedPubSub())
                .as("Redis 7 cluster: sharded by default")
                .isTrue();
        Locksmith holder = client(new CountingBackend(holderBackend));
        CountingBackend waiterStore = new CountingBackend(waiterBackend);
        Locksmith waiter = client(waiterStore);

        Lease held = holder.lock("k", WAITS_FOR_NOTIFICATIONS).acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting =
                waiter.lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(HOUR);
        String channel = channel("k");
        long asleep = settledAttempts(waiterStore, () -> RedisClusterSupport.shardSubscribers(channel) == 1);
        assertThat(RedisClusterSupport.shardSubscribers(channel))
                .as("SHARDNUMSUB of %s on its slot's master", channel)
                .isEqualTo(1L);
        assertThat(RedisTestSupport.subscribers(RedisTestSupport.CLUSTER, prefix + "release"))
                .as("nobody on the classic channel")
                .isZero();

        held.release();
        Lease got = waiting.get(10, TimeUnit.SECONDS);
        assertThat(got.fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(waiterStore.calls("tryAcquire"))
                .as("one attempt for the notification")
                .isEqualTo(asleep + 1);
        got.release();
        // the last waiter went: its channel is unsubscribed
        RedisTestSupport.eventually(() -> RedisClusterSupport.shardSubscribersAnywhere(channel) == 0);
    }

    @Test
    void withShardedPubSubOffAClusterUsesTheClassicChannel() throws Exception {
        RedisBackend holderBackend = backend("shardedPubSub=off");
        RedisBackend waiterBackend = backend("shardedPubSub=off");
        assertThat(waiterBackend.shardedPubSub()).isFalse();
        Locksmith holder = client(new CountingBackend(holderBackend));
        CountingBackend waiterStore = new CountingBackend(waiterBackend);
        Locksmith waiter = client(waiterStore);

        Lease held = holder.lock("k", WAITS_FOR_NOTIFICATIONS).acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting =
                waiter.lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(HOUR);
        settledAttempts(
                waiterStore, () -> RedisTestSupport.subscribers(RedisTestSupport.CLUSTER, prefix + "release") == 1);
        assertThat(RedisTestSupport.subscribers(RedisTestSupport.CLUSTER, prefix + "release"))
                .isEqualTo(1L);
        assertThat(RedisClusterSupport.shardSubscribersAnywhere(channel("k"))).isZero();
        held.release();
        waiting.get(10, TimeUnit.SECONDS).release();
    }

    @Test
    void onChecksTheClusterWhenOpened() {
        assertThat(backend("shardedPubSub=on").shardedPubSub()).isTrue();
        assertThat(backend("shardedPubSub=auto").shardedPubSub()).isTrue();
    }

    @Test
    void manyKeysOnEveryMasterShareOneConnectionPerMaster() throws Exception {
        RedisBackend b = backend("");
        int n = 3000;
        Map<Integer, Long> perPort = new HashMap<>();
        List<Subscription> subs = new ArrayList<>();
        int[] slotPorts = RedisClusterSupport.slotPorts();
        try {
            for (int i = 0; i < n; i++) {
                String key = "many/" + i;
                subs.add(b.subscribe(LeaseKind.LOCK, key, next -> {}));
                int port = slotPorts[RedisClusterSupport.slot(new KeyLayout(prefix).releaseChannel(key))];
                perPort.merge(port, 2L, Long::sum); // the key's channel and this client's own for it
            }
            assertThat(perPort).as("keys on every master").hasSize(3);
            for (int port : RedisClusterSupport.PORTS) { // subscribers do not wait for their channels
                long want = perPort.get(port);
                RedisTestSupport.eventually(() -> RedisClusterSupport.shardedSubscriptions(port, clientName) == want);
            }
            assertThat(((ShardedFeed) b.releaseFeed()).connections()).isEqualTo(3);
            for (int port : RedisClusterSupport.PORTS) {
                assertThat(RedisClusterSupport.shardedSubscriberConnections(port, clientName))
                        .as("subscription connections to %d", port)
                        .isEqualTo(1L);
                assertThat(RedisClusterSupport.shardedSubscriptions(port, clientName))
                        .as("channels subscribed on %d", port)
                        .isEqualTo(perPort.get(port));
            }
        } finally {
            subs.forEach(Subscription::close);
        }
        // every channel is unsubscribed; the connections stay open for the next waiters
        for (int port : RedisClusterSupport.PORTS) {
            RedisTestSupport.eventually(() -> RedisClusterSupport.shardedSubscriptions(port, clientName) == 0);
        }
        assertThat(((ShardedFeed) b.releaseFeed()).connections()).isEqualTo(3);
    }

    @Test
    void theNextWaitedOnKeyOfAMasterReusesItsConnection() throws Exception {
        RedisBackend b = backend("");
        String first = "reuse/a";
        int port = RedisClusterSupport.ownerPort(
                RedisClusterSupport.slot(new KeyLayout(prefix).releaseChannel(NAMESPACE + "/" + first)));
        String second = null;
        for (int i = 0; second == null; i++) {
            String candidate = "reuse/b" + i;
            if (RedisClusterSupport.ownerPort(
                            RedisClusterSupport.slot(new KeyLayout(prefix).releaseChannel(NAMESPACE + "/" + candidate)))
                    == port) {
                second = candidate;
            }
        }
        Subscription s1 = b.subscribe(LeaseKind.LOCK, NAMESPACE + "/" + first, next -> {});
        RedisTestSupport.eventually(() -> RedisClusterSupport.shardedSubscriptions(port, clientName) == 2);
        List<String> before = RedisClusterSupport.connectionIds(port, clientName);
        assertThat(RedisClusterSupport.shardedSubscriptions(port, clientName))
                .as("the key's channel and this client's own for it")
                .isEqualTo(2L);
        s1.close();
        RedisTestSupport.eventually(() -> RedisClusterSupport.shardedSubscriptions(port, clientName) == 0);
        try (Subscription s2 = b.subscribe(LeaseKind.LOCK, NAMESPACE + "/" + second, next -> {})) {
            RedisTestSupport.eventually(() -> RedisClusterSupport.shardedSubscriptions(port, clientName) == 2);
            assertThat(RedisClusterSupport.shardedSubscriptions(port, clientName))
                    .isEqualTo(2L);
            assertThat(RedisClusterSupport.connectionIds(port, clientName))
                    .as("the same connection")
                    .isEqualTo(before);
        }
    }

    @Test
    void aWaiterWhoseSubscriptionConnectionWasKilledIsToldAndStillWokenByTheNextRelease() throws Exception {
        RedisBackend holderBackend = backend("");
        CountingBackend waiterStore = new CountingBackend(backend(""));
        Locksmith holder = client(new CountingBackend(holderBackend));
        Locksmith waiter = client(waiterStore);
        String channel = channel("k");
        int port = RedisClusterSupport.ownerPort(RedisClusterSupport.slot(channel));

        Lease held = holder.lock("k", WAITS_FOR_NOTIFICATIONS).acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting =
                waiter.lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(HOUR);
        long asleep = settledAttempts(waiterStore, () -> RedisClusterSupport.shardSubscribers(channel) == 1);
        assertThat(RedisClusterSupport.killShardedSubscribers(port, clientName)).isEqualTo(1);
        // subscribed again on a new connection, then told (naming nobody) that a release may have
        // been missed: the waiter tries once (and fails) and waits again on the same subscription
        RedisTestSupport.eventually(() -> RedisClusterSupport.shardSubscribers(channel) == 1);
        RedisTestSupport.eventually(() -> waiterStore.answeredAttempts() == asleep + 1);
        assertThat(waiterStore.calls("subscribe")).isEqualTo(1);
        assertThat(waiting).isNotDone();

        held.release();
        assertThat(waiting.get(10, TimeUnit.SECONDS).fencingToken()).isGreaterThan(held.fencingToken());
        assertThat(waiterStore.calls("tryAcquire")).isEqualTo(asleep + 2);
    }

    @Test
    void aReleaseAfterTheKeysSlotMovedToAnotherMasterStillWakesTheWaiter() throws Exception {
        RedisBackend holderBackend = backend("");
        RedisBackend waiterBackend = backend("");
        CountingBackend waiterStore = new CountingBackend(waiterBackend);
        Locksmith holder = client(new CountingBackend(holderBackend));
        Locksmith waiter = client(waiterStore);
        String channel = channel("k");
        int slot = RedisClusterSupport.slot(channel);
        int home = RedisClusterSupport.ownerPort(slot);
        int away = home == 7101 ? 7102 : 7101;
        // another waited-on key of the same master, in another slot, stays put: the server's drop
        // of the moved channel is then all that tells the listener
        String stays = null;
        int[] slotPorts = RedisClusterSupport.slotPorts();
        for (int i = 0; stays == null; i++) {
            int s = RedisClusterSupport.slot(channel("other" + i));
            if (s != slot && slotPorts[s] == home) {
                stays = "other" + i;
            }
        }
        Subscription staying = waiterBackend.subscribe(LeaseKind.LOCK, NAMESPACE + "/" + stays, next -> {});

        Lease held = holder.lock("k", WAITS_FOR_NOTIFICATIONS).acquire(Duration.ZERO);
        CompletableFuture<Lease> waiting =
                waiter.lock("k", WAITS_FOR_NOTIFICATIONS).acquireAsync(HOUR);
        long asleep = settledAttempts(waiterStore, () -> RedisClusterSupport.shardSubscribers(channel) == 1);
        List<String> homeSubscriber = RedisClusterSupport.connectionIds(home, clientName);
        assertThat(homeSubscriber).hasSize(1);
        assertThat(RedisClusterSupport.shardedSubscriptions(home, clientName))
                .as("two channels for each of the two keys")
                .isEqualTo(4L);
        try {
            RedisClusterSupport.moveSlot(slot, away);
            assertThat(RedisClusterSupport.ownerPort(slot)).isEqualTo(away);
            // the old master dropped the channel; it is subscribed at the new one, and the waiter
            // was told once, naming nobody: it tries once (and fails: the lock moved, still held)
            // and waits again on the same subscription
            RedisTestSupport.eventually(() -> RedisClusterSupport.shardSubscribers(channel) == 1);
            RedisTestSupport.eventually(() -> waiterStore.answeredAttempts() == asleep + 1);
            assertThat(waiterStore.calls("subscribe")).isEqualTo(1);
            assertThat(waiting).isNotDone();
            assertThat(RedisClusterSupport.clientLine(home, homeSubscriber.get(0)))
                    .as("the old master's connection lives on with the other key's two channels")
                    .contains(" ssub=2 ");

            held.release();
            Lease got = waiting.get(10, TimeUnit.SECONDS);
            assertThat(got.fencingToken()).isGreaterThan(held.fencingToken());
            assertThat(waiterStore.calls("tryAcquire")).isEqualTo(asleep + 2);
            got.release();
        } finally {
            staying.close();
            RedisClusterSupport.restoreSlot(slot, home);
        }
        assertThat(RedisClusterSupport.ownerPort(slot)).isEqualTo(home);
    }
}
