package dev.locksmith.mongo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.ReleaseFeed;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WriteOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store operations one by one, through the SPI, on the test deployment ({@link TestMongo}),
 * each test in a collection of its own.
 */
class MongoBackendIT {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final List<MongoBackend> backends = new ArrayList<>();
    private MongoClient client;
    private String prefix;

    @BeforeEach
    void newCollection() {
        client = MongoClients.create(TestMongo.uri());
        prefix = "it"
                + UUID.randomUUID().toString().replace("-", "").substring(0, 10).toLowerCase(Locale.ROOT) + "_";
    }

    @AfterEach
    void dropCollection() {
        backends.forEach(MongoBackend::close);
        collection().drop();
        client.close();
    }

    private MongoCollection<Document> collection() {
        return client.getDatabase(TestMongo.database()).getCollection(prefix + "locks");
    }

    private MongoOptions.Builder options() {
        return MongoOptions.builder().database(TestMongo.database()).collectionPrefix(prefix);
    }

    private MongoBackend backend(MongoOptions options) {
        MongoBackend b = MongoBackend.builder(client).options(options).build();
        backends.add(b);
        return b;
    }

    private MongoBackend backend() {
        return backend(options().build());
    }

    @Test
    void aLockIsOneDocumentWhoseCounterOutlivesEveryRelease() {
        MongoBackend b = backend();
        AcquireResult first = b.tryAcquire(AcquireRequest.lock("k", "a", MINUTE));
        assertThat(first.isAcquired()).isTrue();
        AcquireResult held = b.tryAcquire(AcquireRequest.lock("k", "b", MINUTE));
        assertThat(held.isAcquired())
                .as("the duplicate key of the upsert means held")
                .isFalse();
        assertThat(held.holder()).isEqualTo("a");
        assertThat(held.ttl()).isBetween(Duration.ofSeconds(50), MINUTE);
        assertThat(b.release(LeaseKind.LOCK, "k", "b"))
                .as("only its owner releases it")
                .isFalse();
        assertThat(b.release(LeaseKind.LOCK, "k", "a")).isTrue();
        assertThat(b.release(LeaseKind.LOCK, "k", "a")).isFalse();
        assertThat(collection().countDocuments(Filters.eq("_id", "k")))
                .as("the released lock's document keeps its counter")
                .isEqualTo(1);
        AcquireResult second = b.tryAcquire(AcquireRequest.lock("k", "b", MINUTE));
        assertThat(second.fencingToken()).isGreaterThan(first.fencingToken());
    }

    @Test
    void aRetriedAcquireByTheHolderRenewsAndKeepsItsToken() {
        MongoBackend b = backend();
        long lock = b.tryAcquire(AcquireRequest.lock("k", "a", Duration.ofSeconds(5)))
                .fencingToken();
        AcquireResult again = b.tryAcquire(AcquireRequest.lock("k", "a", MINUTE));
        assertThat(again.fencingToken()).isEqualTo(lock);
        assertThat(b.inspect(LeaseKind.LOCK, "k").first().remaining()).isGreaterThan(Duration.ofSeconds(50));
        long permit = b.tryAcquire(AcquireRequest.permit("s", "p", 2, Duration.ofSeconds(5)))
                .fencingToken();
        AcquireResult permitAgain = b.tryAcquire(AcquireRequest.permit("s", "p", 2, MINUTE));
        assertThat(permitAgain.fencingToken()).isEqualTo(permit);
        assertThat(b.inspect(LeaseKind.PERMIT, "s").grants()).hasSize(1);
    }

    @Test
    void locksAndPermitsOfOneKeyShareOneCounterAndAPermitLeavesTheLocksTokenAlone() {
        MongoBackend b = backend();
        long lock = b.tryAcquire(AcquireRequest.lock("k", "holder", MINUTE)).fencingToken();
        long permit1 = b.tryAcquire(AcquireRequest.permit("k", "p1", 3, MINUTE)).fencingToken();
        long permit2 = b.tryAcquire(AcquireRequest.permit("k", "p2", 3, MINUTE)).fencingToken();
        assertThat(permit1).isGreaterThan(lock);
        assertThat(permit2).isGreaterThan(permit1);
        Holders holders = b.inspect(LeaseKind.LOCK, "k");
        assertThat(holders.first().fencingToken())
                .as("the lock's token after permits moved the counter")
                .isEqualTo(lock);
        assertThat(b.tryAcquire(AcquireRequest.lock("k", "holder", MINUTE)).fencingToken())
                .isEqualTo(lock);
        assertThat(b.writeState("k", "holder", lock, new byte[] {1}, null)).isEqualTo(WriteOutcome.WRITTEN);
        assertThat(b.release(LeaseKind.LOCK, "k", "holder")).isTrue();
        long next = b.tryAcquire(AcquireRequest.lock("k", "other", MINUTE)).fencingToken();
        assertThat(next).as("above every permit's token too").isGreaterThan(permit2);
        Holders permits = b.inspect(LeaseKind.PERMIT, "k");
        assertThat(permits.maxPermits()).isEqualTo(3);
        assertThat(permits.grants()).extracting(LockInfo::owner).containsExactlyInAnyOrder("p1", "p2");
    }

    @Test
    void permitsAreCountedAndExpiredOnesLeaveTheDocument() throws Exception {
        MongoBackend b = backend();
        assertThat(b.tryAcquire(AcquireRequest.permit("s", "a", 2, Duration.ofMillis(400)))
                        .isAcquired())
                .isTrue();
        assertThat(b.tryAcquire(AcquireRequest.permit("s", "b", 2, MINUTE)).isAcquired())
                .isTrue();
        AcquireResult full = b.tryAcquire(AcquireRequest.permit("s", "c", 2, MINUTE));
        assertThat(full.isAcquired()).isFalse();
        assertThat(full.ttl()).as("the earliest expiry").isLessThanOrEqualTo(Duration.ofMillis(400));
        Thread.sleep(500);
        assertThat(b.tryAcquire(AcquireRequest.permit("s", "c.d$e", 2, MINUTE)).isAcquired())
                .isTrue();
        Document ps = collection().find(Filters.eq("_id", "s")).first().get("ps", Document.class);
        assertThat(ps.keySet())
                .as("a's expired permit was dropped by the grant")
                .containsExactlyInAnyOrder("b", "c%2Ed%24e");
        assertThat(b.extend(new LeaseRef(LeaseKind.PERMIT, "s", "c.d$e", MINUTE)))
                .isTrue();
        assertThat(b.extend(new LeaseRef(LeaseKind.PERMIT, "s", "a", MINUTE))).isFalse();
        assertThat(b.release(LeaseKind.PERMIT, "s", "c.d$e")).isTrue();
        assertThat(b.inspect(LeaseKind.PERMIT, "s").grants())
                .extracting(LockInfo::owner)
                .containsExactly("b");
    }

    @Test
    void extendAllRenewsInOneBulkWriteAndSaysWhichLeasesWereLost() {
        MongoBackend b = backend();
        b.tryAcquire(AcquireRequest.lock("x1", "a", Duration.ofSeconds(5)));
        b.tryAcquire(AcquireRequest.lock("x2", "a", Duration.ofSeconds(5)));
        b.tryAcquire(AcquireRequest.permit("x3", "a", 2, Duration.ofSeconds(5)));
        List<LeaseRef> all = List.of(
                new LeaseRef(LeaseKind.LOCK, "x1", "a", MINUTE),
                new LeaseRef(LeaseKind.LOCK, "x2", "a", MINUTE),
                new LeaseRef(LeaseKind.PERMIT, "x3", "a", MINUTE));
        assertThat(b.extendAll(all)).containsExactly(true, true, true);
        assertThat(b.inspect(LeaseKind.PERMIT, "x3").first().remaining()).isGreaterThan(Duration.ofSeconds(50));
        b.forceRelease("x2");
        assertThat(b.extendAll(all)).containsExactly(true, false, true);
        assertThat(b.inspect(LeaseKind.LOCK, "x2").isFree()).isTrue();
    }

    @Test
    void guardedWritesAreCheckedOnOwnerAndTokenInTheLocksDocument() {
        MongoBackend b = backend();
        long token = b.tryAcquire(AcquireRequest.lock("g", "a", MINUTE)).fencingToken();
        assertThat(b.writeState("g", "a", token, new byte[] {7, 8}, null)).isEqualTo(WriteOutcome.WRITTEN);
        assertThat(b.writeState("g", "b", token, new byte[] {9}, null)).isEqualTo(WriteOutcome.NOT_HELD);
        assertThat(b.readState("g").orElseThrow().value()).containsExactly(7, 8);
        assertThat(b.readState("g").orElseThrow().fencingToken()).isEqualTo(token);
        b.release(LeaseKind.LOCK, "g", "a");
        assertThat(b.writeState("g", "a", token, new byte[] {9}, null)).isEqualTo(WriteOutcome.NOT_HELD);
        b.tryAcquire(AcquireRequest.lock("g", "b", MINUTE));
        assertThat(b.writeState("g", "a", token, new byte[] {9}, null)).isEqualTo(WriteOutcome.STALE_TOKEN);
        assertThat(b.readState("g").orElseThrow().value()).containsExactly(7, 8);
    }

    @Test
    void aReleaseReachesSubscribersOfOtherBackendsThroughTheChangeStream() throws Exception {
        MongoBackend holder = backend();
        MongoBackend waiter = backend();
        assumeTrue(waiter.role(ReleaseFeed.class).isPresent(), "the deployment has no change streams");
        ReleaseFeed feed = waiter.role(ReleaseFeed.class).orElseThrow();
        holder.tryAcquire(AcquireRequest.lock("w", "a", MINUTE));
        holder.tryAcquire(AcquireRequest.permit("w", "p", 1, MINUTE));
        CompletableFuture<String> lockReleased = new CompletableFuture<>();
        CompletableFuture<String> permitReleased = new CompletableFuture<>();
        Subscription s1 = feed.subscribe(LeaseKind.LOCK, "w", next -> lockReleased.complete("lock"));
        Subscription s2 = feed.subscribe(LeaseKind.PERMIT, "w", next -> permitReleased.complete("permit"));
        s1.ready().get(10, TimeUnit.SECONDS);
        s2.ready().get(10, TimeUnit.SECONDS);
        assertThat(holder.release(LeaseKind.LOCK, "w", "a")).isTrue();
        assertThat(lockReleased.get(10, TimeUnit.SECONDS)).isEqualTo("lock");
        assertThat(holder.release(LeaseKind.PERMIT, "w", "p")).isTrue();
        assertThat(permitReleased.get(10, TimeUnit.SECONDS)).isEqualTo("permit");
        s1.close();
        s2.close();
    }

    @Test
    void withoutChangeStreamsTheBackendIsNoReleaseFeed() {
        assertThat(backend(options().changeStreams(false).build()).role(ReleaseFeed.class))
                .isEmpty();
        if (TestMongo.inJvm()) {
            assertThat(backend().role(ReleaseFeed.class))
                    .as("the in-JVM server has change streams")
                    .isPresent();
        }
    }

    @Test
    void theSchemaIsCreatedOnFirstUseUnlessTurnedOff() {
        MongoBackend untouched = backend(options().createSchema(false).build());
        assertThat(client.getDatabase(TestMongo.database())
                        .listCollectionNames()
                        .into(new ArrayList<>()))
                .doesNotContain(prefix + "locks");
        untouched.close();
        backend(options().gcAfter(Duration.ofDays(30)).build());
        assertThat(client.getDatabase(TestMongo.database())
                        .listCollectionNames()
                        .into(new ArrayList<>()))
                .contains(prefix + "locks");
        Document gc = collection().listIndexes().into(new ArrayList<>()).stream()
                .filter(i -> "locksmith_gc".equals(i.getString("name")))
                .findFirst()
                .orElseThrow();
        assertThat(((Number) gc.get("expireAfterSeconds")).longValue())
                .isEqualTo(Duration.ofDays(30).toSeconds());
        assertThat(backend(options().gcAfter(Duration.ofDays(30)).build())
                        .capabilities()
                        .durableTokens())
                .as("a collected document restarts its tokens")
                .isFalse();
        assertThat(backend().capabilities().durableTokens()).isTrue();
    }

    @Test
    void closingTheBackendLeavesTheCallersClientOpen() {
        MongoBackend b = backend();
        b.close();
        assertThat(client.getDatabase(TestMongo.database())
                        .listCollectionNames()
                        .first())
                .isNotNull();
        assertThatThrownBy(() -> b.tryAcquire(AcquireRequest.lock("k", "a", MINUTE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void listAndForceReleaseSeeOnlyLiveGrantsUnderThePrefix() {
        MongoBackend b = backend();
        b.tryAcquire(AcquireRequest.lock("ns/a", "o1", MINUTE));
        b.tryAcquire(AcquireRequest.permit("ns/a", "o2", 2, MINUTE));
        b.tryAcquire(AcquireRequest.lock("ns.x/b", "o3", MINUTE));
        b.tryAcquire(AcquireRequest.lock("ns/c", "o4", MINUTE));
        b.release(LeaseKind.LOCK, "ns/c", "o4");
        assertThat(b.list("ns/")).extracting(LockInfo::owner).containsExactlyInAnyOrder("o1", "o2");
        assertThat(b.forceRelease("ns/a"))
                .extracting(LockInfo::kind)
                .containsExactlyInAnyOrder(LeaseKind.LOCK, LeaseKind.PERMIT);
        assertThat(b.list("ns/")).isEmpty();
        assertThat(b.tryAcquire(AcquireRequest.lock("ns/a", "o5", MINUTE)).fencingToken())
                .as("the counter survived the forced release")
                .isEqualTo(3);
    }

    @Test
    void aCallThatRunsOutOfTimeFailsAsTransient() {
        MongoBackend b = backend(options().callTimeout(Duration.ofMillis(1)).build());
        // a millisecond is about a round trip: within a few tries the driver gives up, and says so
        boolean sawTimeout = false;
        for (int i = 0; i < 200 && !sawTimeout; i++) {
            try {
                b.inspect(LeaseKind.LOCK, "t" + i);
            } catch (dev.locksmith.BackendException e) {
                assertThat(e.isTransient()).isTrue();
                assertThat(e.getCause()).isInstanceOf(com.mongodb.MongoOperationTimeoutException.class);
                sawTimeout = true;
            }
        }
        assertThat(sawTimeout).isTrue();
    }
}
