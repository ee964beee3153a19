package dev.locksmith.mongo;

import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.ReadPreference;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Aggregates;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.result.UpdateResult;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.TimeSource;
import dev.locksmith.spi.AcquireRequest;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.GuardedStore;
import dev.locksmith.spi.Holders;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.OperatorActions;
import dev.locksmith.spi.ReleaseFeed;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WriteOutcome;
import dev.locksmith.spi.support.FeedListeners;
import dev.locksmith.spi.support.Ttls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * A Locksmith {@link Backend} on MongoDB. Thread-safe.
 *
 * <pre>{@code
 * Backend backend = MongoBackend.builder(mongoClient).options(MongoOptions.builder().collectionPrefix("app_").build()).build();
 * try (Locksmith locksmith = Locksmith.builder().backend(backend).build()) { ... }
 * }</pre>
 *
 * <p>Each key is one document of {@code <prefix>locks} (see {@code docs/backends/mongo.md}): an
 * acquisition is one atomic upsert judged by the server's clock ({@code $$NOW}, {@code
 * $currentDate}), with the key's fencing counter incremented in the same write; a duplicate key
 * means "held". A semaphore permit is a read of the key and a write conditional on the counter not
 * having moved since. The document is never deleted on release, so tokens never go back.
 *
 * <p>On a deployment with change streams (a replica set or a sharded cluster) the backend is also a
 * {@link ReleaseFeed}; otherwise waiters retry on their timers. A {@code MongoClient} passed by the
 * user is never closed by the backend. Failures are {@link dev.locksmith.BackendException}s, marked
 * transient when trying again may succeed (a lost connection, a timeout, a primary stepping down);
 * the client retries those within the caller's deadline.
 */
public final class MongoBackend implements Backend, ReleaseFeed, GuardedStore, OperatorActions {
    private static final System.Logger LOG = System.getLogger(MongoBackend.class.getName());

    /** How often one operation re-runs after losing a race to another writer of the same key. */
    private static final int MAX_ROUNDS = 8;

    /** The shortest bound of one acquisition attempt. */
    static final Duration MIN_CALL_BOUND = Duration.ofMillis(250);

    /** The longest value lifetime stored, so that {@code renewedAt + ttl} stays a valid date. */
    private static final long MAX_VALUE_TTL_MILLIS = Duration.ofDays(36500).toMillis();

    private static final FindOneAndUpdateOptions GRANT = new FindOneAndUpdateOptions()
            .upsert(true)
            .returnDocument(ReturnDocument.AFTER)
            .projection(Projections.include(KeyDocument.FENCE));
    private static final UpdateOptions UPSERT = new UpdateOptions().upsert(true);

    private final MongoClient client;
    private final boolean ownsClient;
    private final MongoOptions options;
    private final TimeSource time;
    private final MongoCollection<Document> collection;
    private final MongoCollection<Document> bounded;
    private final FeedListeners listeners = new FeedListeners();
    private final Capabilities capabilities;
    private volatile ChangeStreamFeed feed;
    private volatile boolean started;
    private volatile boolean closed;

    MongoBackend(MongoClient client, boolean ownsClient, MongoOptions options, TimeSource time) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
        this.options = Objects.requireNonNull(options, "options");
        this.time = Objects.requireNonNull(time, "time");
        this.collection = client.getDatabase(options.database())
                .getCollection(options.collectionName())
                .withWriteConcern(options.writeConcern())
                .withReadPreference(ReadPreference.primary());
        this.bounded = collection.withTimeout(options.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        boolean majority = options.writeConcern().getWObject() instanceof String w && w.equals("majority");
        this.capabilities = Capabilities.builder()
                .durableTokens(majority
                        && !Boolean.FALSE.equals(options.writeConcern().getJournal())
                        && options.gcAfter() == null)
                .minTtl(Duration.ofMillis(10))
                .ttlGranularity(Duration.ofMillis(1))
                .build();
    }

    /** A builder for a backend on {@code client}, which stays the caller's: the backend never closes it. */
    public static Builder builder(MongoClient client) {
        return new Builder(Objects.requireNonNull(client, "client"));
    }

    /**
     * Creates the collection (and the TTL index, with {@link MongoOptions#gcAfter()}) unless {@link
     * MongoOptions#createSchema()} is off, and finds out whether the deployment has change streams.
     * Idempotent; the first operation calls it when nobody did.
     *
     * @throws dev.locksmith.BackendException if MongoDB cannot be reached or refuses the schema
     */
    public void start() {
        start(options.callTimeout().compareTo(MIN_CALL_BOUND) < 0 ? MIN_CALL_BOUND : options.callTimeout());
    }

    void start(Duration timeout) {
        if (started) {
            return;
        }
        synchronized (this) {
            if (started) {
                return;
            }
            checkOpen();
            MongoCollection<Document> c =
                    collection.withTimeout(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            try {
                if (options.createSchema()) {
                    createSchema(c);
                }
                if (options.changeStreams() && hasChangeStreams(c)) {
                    feed = new ChangeStreamFeed(collection, time, listeners);
                }
            } catch (RuntimeException e) {
                throw MongoFailures.wrap(null, "setup of " + options.database() + "." + options.collectionName(), e);
            }
            started = true;
        }
    }

    private void createSchema(MongoCollection<Document> c) {
        try {
            client.getDatabase(options.database())
                    .withTimeout(c.getTimeout(TimeUnit.MILLISECONDS), TimeUnit.MILLISECONDS)
                    .createCollection(options.collectionName());
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != 48) { // NamespaceExists
                throw e;
            }
        }
        if (options.gcAfter() != null) {
            c.createIndex(
                    Indexes.ascending(KeyDocument.TOUCHED),
                    new IndexOptions()
                            .name("locksmith_gc")
                            .expireAfter(options.gcAfter().toSeconds(), TimeUnit.SECONDS));
        }
    }

    /** Opens and closes the feed's change stream: a standalone server refuses it. */
    private static boolean hasChangeStreams(MongoCollection<Document> c) {
        try (MongoCursor<?> probe = ChangeStreamFeed.stream(c).cursor()) {
            return true;
        } catch (MongoCommandException e) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "MongoDB has no change streams here (" + e.getErrorCodeName() + "): waiters retry on their timers");
            return false;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the MongoDB backend is closed");
        }
    }

    /**
     * The collection, bounded by {@code timeout} when given, else by the call timeout. The bound
     * covers taking a connection too, and an acquisition is up to three round trips: on a loaded
     * host 100 ms may not fit them, so it is at least {@link #MIN_CALL_BOUND}.
     */
    private MongoCollection<Document> collection(Duration timeout) {
        checkOpen();
        start();
        if (timeout == null || timeout.compareTo(options.callTimeout()) >= 0) {
            return bounded;
        }
        Duration t = timeout.compareTo(MIN_CALL_BOUND) < 0 ? MIN_CALL_BOUND : timeout;
        return collection.withTimeout(t.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static <T> T call(String key, String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (MongoException | IllegalStateException e) {
            throw MongoFailures.wrap(key, what, e);
        }
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public <R> Optional<R> role(Class<R> role) {
        if (role == ReleaseFeed.class) {
            start();
            if (feed == null) {
                return Optional.empty();
            }
        }
        return Backend.super.role(role);
    }

    // ---- acquire, extend, release

    @Override
    public AcquireResult tryAcquire(AcquireRequest r) {
        MongoCollection<Document> c = collection(r.timeout());
        long ttl = Ttls.millisUp(r.ttl());
        Duration granted = Duration.ofMillis(ttl);
        return call(
                r.key(),
                "acquire",
                () -> r.isLock() ? acquireLock(c, r, ttl, granted) : acquirePermit(c, r, ttl, granted));
    }

    private AcquireResult acquireLock(MongoCollection<Document> c, AcquireRequest r, long ttl, Duration granted) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            try {
                Document d =
                        c.findOneAndUpdate(KeyDocument.lockFree(r.key()), KeyDocument.grantLock(r.owner(), ttl), GRANT);
                return AcquireResult.acquired(((Number) d.get(KeyDocument.FENCE)).longValue(), granted);
            } catch (MongoException e) {
                if (!MongoFailures.isDuplicateKey(e)) {
                    throw e;
                }
            }
            // held: by whom, for how long, and is it this owner's (a retried acquire keeps its token)?
            Snapshot s = snapshot(c, r.key(), false);
            if (s.lockLive()) {
                if (!s.lockOwner().equals(r.owner())) {
                    return AcquireResult.held(s.lockOwner(), s.lockRemaining());
                }
                UpdateResult u = c.updateOne(
                        KeyDocument.lockHeldWith(r.key(), r.owner(), s.lockToken()), KeyDocument.renewLock(ttl));
                if (u.getMatchedCount() == 1) {
                    return AcquireResult.acquired(s.lockToken(), granted);
                }
            }
            // freed or granted again since the upsert: look again
        }
        return AcquireResult.held(null, Duration.ZERO);
    }

    private AcquireResult acquirePermit(MongoCollection<Document> c, AcquireRequest r, long ttl, Duration granted) {
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Snapshot s = snapshot(c, r.key(), false);
            List<Snapshot.Permit> live = s.livePermits();
            Snapshot.Permit mine = null;
            Duration earliest = null;
            for (Snapshot.Permit p : live) {
                if (p.owner().equals(r.owner())) {
                    mine = p;
                } else if (earliest == null || s.remaining(p).compareTo(earliest) < 0) {
                    earliest = s.remaining(p);
                }
            }
            if (mine != null) {
                UpdateResult u = c.updateOne(
                        KeyDocument.permitHeldWith(r.key(), r.owner(), mine.token()),
                        KeyDocument.renewPermit(r.owner(), ttl));
                if (u.getMatchedCount() == 1) {
                    return AcquireResult.acquired(mine.token(), granted);
                }
                continue;
            }
            if (live.size() >= r.maxPermits()) {
                return AcquireResult.held(null, earliest);
            }
            // live permits only go down until the counter moves: if it has not, the count above holds
            Long lockToken = s.lockLive() ? s.lockToken() : null;
            Bson grant = KeyDocument.grantPermit(
                    r.owner(), s.fence(), r.maxPermits(), ttl, s.expiredPermitOwners(), lockToken);
            try {
                UpdateResult u = c.updateOne(KeyDocument.unchangedSince(r.key(), s.fence()), grant, UPSERT);
                if (u.getMatchedCount() == 1 || u.getUpsertedId() != null) {
                    return AcquireResult.acquired(s.fence() + 1, granted);
                }
            } catch (MongoException e) {
                if (!MongoFailures.isDuplicateKey(e)) {
                    throw e;
                }
            }
        }
        return AcquireResult.held(null, Duration.ZERO);
    }

    @Override
    public boolean extend(LeaseRef lease) {
        MongoCollection<Document> c = collection(null);
        long ttl = Ttls.millisUp(lease.ttl());
        return call(lease.key(), "extend", () -> {
            UpdateResult u = lease.kind() == LeaseKind.LOCK
                    ? c.updateOne(KeyDocument.lockHeldBy(lease.key(), lease.owner()), KeyDocument.renewLock(ttl))
                    : c.updateOne(
                            KeyDocument.permitHeldBy(lease.key(), lease.owner()),
                            KeyDocument.renewPermit(lease.owner(), ttl));
            return u.getMatchedCount() == 1;
        });
    }

    /**
     * One unordered bulk write of every renewal. When each matched, every lease was renewed;
     * otherwise (a lease was lost) each lease is looked up: a renewed one is held now, a lost one
     * is not.
     */
    @Override
    public boolean[] extendAll(List<LeaseRef> leases) {
        if (leases.size() < 2) {
            return Backend.super.extendAll(leases);
        }
        MongoCollection<Document> c = collection(null);
        return call(null, "extendAll", () -> {
            List<WriteModel<Document>> renewals = new ArrayList<>(leases.size());
            for (LeaseRef l : leases) {
                long ttl = Ttls.millisUp(l.ttl());
                renewals.add(
                        l.kind() == LeaseKind.LOCK
                                ? new UpdateOneModel<>(
                                        KeyDocument.lockHeldBy(l.key(), l.owner()), KeyDocument.renewLock(ttl))
                                : new UpdateOneModel<>(
                                        KeyDocument.permitHeldBy(l.key(), l.owner()),
                                        KeyDocument.renewPermit(l.owner(), ttl)));
            }
            BulkWriteResult result = c.bulkWrite(renewals, new BulkWriteOptions().ordered(false));
            boolean[] out = new boolean[leases.size()];
            for (int i = 0; i < out.length; i++) {
                LeaseRef l = leases.get(i);
                out[i] = result.getMatchedCount() == leases.size() || holds(snapshot(c, l.key(), false), l);
            }
            return out;
        });
    }

    private static boolean holds(Snapshot s, LeaseRef l) {
        if (l.kind() == LeaseKind.LOCK) {
            return s.lockLive() && s.lockOwner().equals(l.owner());
        }
        return s.livePermits().stream().anyMatch(p -> p.owner().equals(l.owner()));
    }

    @Override
    public boolean release(LeaseKind kind, String key, String owner) {
        MongoCollection<Document> c = collection(null);
        return call(key, "release", () -> {
            UpdateResult u = kind == LeaseKind.LOCK
                    ? c.updateOne(KeyDocument.lockHeldBy(key, owner), KeyDocument.releaseLock())
                    : c.updateOne(KeyDocument.permitHeldBy(key, owner), KeyDocument.releasePermit(owner));
            return u.getMatchedCount() == 1;
        });
    }

    // ---- reads

    /** The key's document with the server time of the read. */
    private static Snapshot snapshot(MongoCollection<Document> c, String key, boolean withValue) {
        Document d = c.aggregate(List.of(
                        Aggregates.match(KeyDocument.key(key)), Aggregates.project(KeyDocument.projection(withValue))))
                .first();
        return d == null ? Snapshot.ABSENT : new Snapshot(d);
    }

    @Override
    public Holders inspect(LeaseKind kind, String key) {
        MongoCollection<Document> c = collection(null);
        return call(key, "inspect", () -> snapshot(c, key, false).holders(kind));
    }

    @Override
    public List<LockInfo> list(String keyPrefix) {
        MongoCollection<Document> c = collection(null);
        return call(null, "list", () -> {
            List<LockInfo> out = new ArrayList<>();
            for (Document d : c.aggregate(List.of(
                    Aggregates.match(Filters.regex(KeyDocument.ID, KeyDocument.prefixRegex(keyPrefix))),
                    Aggregates.project(KeyDocument.projection(false))))) {
                Snapshot s = new Snapshot(d);
                for (LockInfo info : s.grants()) {
                    if (info.name().startsWith(keyPrefix)) {
                        out.add(info);
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        MongoCollection<Document> c = collection(null);
        return call(key, "forceRelease", () -> {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                Snapshot s = snapshot(c, key, false);
                List<LockInfo> removed = s.grants();
                if (removed.isEmpty()) {
                    return removed;
                }
                if (c.updateOne(KeyDocument.unchangedSince(key, s.fence()), KeyDocument.forceRelease())
                                .getMatchedCount()
                        == 1) {
                    return removed;
                }
            }
            throw new MongoException("the key kept being granted while it was force-released; try again");
        });
    }

    // ---- guarded state

    @Override
    public Optional<StoredState> readState(String key) {
        MongoCollection<Document> c = collection(null);
        return call(key, "readState", () -> snapshot(c, key, true).value());
    }

    @Override
    public WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
        MongoCollection<Document> c = collection(null);
        Long ttl = valueTtl == null ? null : Math.min(Ttls.millisUp(valueTtl), MAX_VALUE_TTL_MILLIS);
        return call(key, "writeState", () -> {
            UpdateResult u = c.updateOne(
                    KeyDocument.lockHeldWith(key, owner, fencingToken),
                    KeyDocument.writeValue(value, fencingToken, ttl));
            if (u.getMatchedCount() == 1) {
                return WriteOutcome.WRITTEN;
            }
            return snapshot(c, key, false).fence() > fencingToken ? WriteOutcome.STALE_TOKEN : WriteOutcome.NOT_HELD;
        });
    }

    // ---- release feed

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        ChangeStreamFeed f = feed;
        if (f == null) {
            return Subscription.NONE;
        }
        return f.register(kind, key, listener);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ChangeStreamFeed f = feed;
        if (f != null) {
            f.close();
        }
        listeners.clear();
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "MongoBackend{" + options + "}";
    }

    /** Builds a {@link MongoBackend} on a client the caller owns. Not thread-safe. */
    public static final class Builder {
        private final MongoClient client;
        private MongoOptions options = MongoOptions.defaults();
        private TimeSource time = TimeSource.system();

        private Builder(MongoClient client) {
            this.client = client;
        }

        /** Default {@link MongoOptions#defaults()}. */
        public Builder options(MongoOptions options) {
            this.options = Objects.requireNonNull(options, "options");
            return this;
        }

        /** The clock of the release feed's reconnect backoff; the same as the client's. Default {@link TimeSource#system()}. */
        public Builder timeSource(TimeSource timeSource) {
            this.time = Objects.requireNonNull(timeSource, "timeSource");
            return this;
        }

        /**
         * Builds the backend and {@linkplain MongoBackend#start() starts} it.
         *
         * @throws dev.locksmith.BackendException if MongoDB cannot be reached
         */
        public MongoBackend build() {
            MongoBackend b = new MongoBackend(client, false, options, time);
            b.start();
            return b;
        }
    }
}
