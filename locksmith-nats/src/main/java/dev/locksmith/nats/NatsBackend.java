package dev.locksmith.nats;

import dev.locksmith.BackendException;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.TimeSource;
import dev.locksmith.nats.GrantRecord.Grant;
import dev.locksmith.nats.JetStreamOps.Conflict;
import dev.locksmith.nats.JetStreamOps.Deadline;
import dev.locksmith.nats.JetStreamOps.Entry;
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
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValueManagement;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

/**
 * Locks, semaphores and guarded state on NATS JetStream key-value buckets (file storage).
 *
 * <p>Data layout ({@code docs/backends/nats.md}): one <em>records</em> bucket (no age limit) holds,
 * per kind and key, the list of grants ({@code L.<key>} for locks, {@code P.<key>} for permits, keys
 * encoded by {@link KeyNames}); every change is a compare-and-set on the record's revision, and a
 * grant's fencing token is the revision of the write that made it (bucket-wide, so strictly
 * increasing per key and across restarts). Liveness is judged by the server: each grant has a
 * <em>lease key</em> (a random id) in a lease bucket whose {@code maxAge} is the lease length
 * ({@code <bucket>-lease-<ms>}); the server removes the key when the lease runs out, a renewal is a
 * compare-and-set on the lease key's revision (so it fails once the server removed it), and a grant
 * whose lease key is gone is free. The lease key is written before the record names it, so a live
 * grant always has one.
 *
 * <p>Acquire never sends late: the connection has no reconnect buffer, the record write carries a
 * {@code Nats-Msg-Id}, and an unanswered write is confirmed by a read. Release is told to waiters
 * through a watch of the records bucket (a release marks the record it writes); expiry is silent,
 * and the engine wakes waiters at the holder's remaining lease.
 */
public final class NatsBackend implements Backend, ReleaseFeed, GuardedStore, OperatorActions {
    private static final System.Logger LOG = System.getLogger(NatsBackend.class.getName());
    private static final int MAX_RACES = 16;
    /** Replicated buckets are refused on older servers: their compare-and-set is not atomic. */
    static final String MIN_VERSION_FOR_REPLICAS = "2.10.0";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long STEP_MS = NatsOptions.LEASE_STEP.toMillis();

    private static final Capabilities CAPABILITIES = Capabilities.builder()
            .durableTokens(true)
            .linearizable(true)
            .minTtl(NatsOptions.LEASE_STEP)
            .ttlGranularity(NatsOptions.LEASE_STEP)
            .build();

    private final Connection connection;
    private final boolean ownsConnection;
    private final NatsOptions options;
    private final TimeSource time;
    private final JetStreamOps ops;
    private final String records;
    private final Set<Long> leaseBuckets = ConcurrentHashMap.newKeySet();
    /** This client's live grants: lease key revision, to renew in one round trip. */
    private final Map<String, Long> leaseRevisions = new ConcurrentHashMap<>();

    private final FeedListeners listeners = new FeedListeners();
    private final NatsFeed feed;
    private volatile boolean closed;
    private final ConnectionListener onDrop;

    private NatsBackend(Connection connection, NatsOptions options, TimeSource time, boolean ownsConnection) {
        this.connection = connection;
        this.ownsConnection = ownsConnection;
        this.options = options;
        this.time = time;
        this.ops = new JetStreamOps(connection, time, options.requestTimeout(), options.replicas() > 1);
        this.records = options.bucket();
        this.feed = new NatsFeed(connection, records, time, listeners);
        this.onDrop = (conn, event) -> {
            if (event == ConnectionListener.Events.DISCONNECTED || event == ConnectionListener.Events.CLOSED) {
                ops.connectionLost();
            } else if (event == ConnectionListener.Events.RECONNECTED
                    || event == ConnectionListener.Events.CONNECTED
                    || event == ConnectionListener.Events.RESUBSCRIBED) {
                ops.connectionUp();
            }
        };
        connection.addConnectionListener(onDrop);
    }

    /**
     * A backend on a connection the caller owns and keeps: closing the backend never closes it.
     * Give the connection {@code reconnectBufferSize(0)} so that no lock request is sent late after a
     * reconnect; the backend warns once when it has a buffer.
     */
    public static NatsBackend create(Connection connection, NatsOptions options) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(options, "options");
        if (connection.getOptions().getReconnectBufferSize() != 0) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "the NATS connection given to Locksmith buffers publishes while reconnecting;"
                            + " a lock request may then reach the server after its caller gave up"
                            + " (set Options.Builder.reconnectBufferSize(0))");
        }
        return open(connection, options, TimeSource.system(), false, "the given NATS connection");
    }

    static NatsBackend open(Connection connection, NatsOptions options, TimeSource time, boolean owns, String shown) {
        var info = connection.getServerInfo();
        if (info != null && !info.isJetStreamAvailable()) {
            throw new BackendException(
                    null,
                    "JetStream is not enabled on the NATS server at " + shown + " (version " + info.getVersion()
                            + "): start nats-server with -js, or add a jetstream {} block to its configuration",
                    null,
                    false);
        }
        if (options.replicas() > 1 && info != null && !info.isSameOrNewerThanVersion(MIN_VERSION_FOR_REPLICAS)) {
            throw new BackendException(
                    null,
                    "replicas=" + options.replicas() + " is unsafe on nats-server " + info.getVersion() + " at " + shown
                            + ": a replicated stream there accepts two concurrent writes expecting the same revision,"
                            + " so two clients can both take a lock (seen on 2.9.10). Use replicas=1, or nats-server "
                            + MIN_VERSION_FOR_REPLICAS + " or later",
                    null,
                    false);
        }
        NatsBackend b = new NatsBackend(connection, options, time, owns);
        b.ensureBucket(records(options), null, shown);
        return b;
    }

    private static String records(NatsOptions o) {
        return o.bucket();
    }

    /** The name of the lease bucket of a lease length in milliseconds. */
    static String leaseBucketName(String recordsBucket, long leaseMillis) {
        return recordsBucket + "-lease-" + leaseMillis;
    }

    /** The connection this backend uses (the caller's own when built with {@link #create}). */
    public Connection connection() {
        return connection;
    }

    /** The options this backend runs with. */
    public NatsOptions options() {
        return options;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    // ---- buckets ------------------------------------------------------------------------------

    private void ensureBucket(String name, Duration maxAge, String what) {
        KeyValueConfiguration.Builder cfg = KeyValueConfiguration.builder()
                .name(name)
                .storageType(StorageType.File)
                .maxHistoryPerKey(1)
                .replicas(options.replicas())
                .description(
                        maxAge == null ? "Locksmith lock records" : "Locksmith leases of " + maxAge.toMillis() + " ms");
        if (maxAge != null) {
            cfg.ttl(maxAge);
        }
        try {
            KeyValueManagement kvm = connection.keyValueManagement(KeyValueOptions.builder()
                    .jsRequestTimeout(options.requestTimeout())
                    .build());
            try {
                kvm.create(cfg.build());
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != 10058) { // 10058: exists with another configuration
                    throw e;
                }
                var status = kvm.getStatus(name);
                if (maxAge != null && !maxAge.equals(status.getTtl())) {
                    throw new BackendException(
                            null,
                            "NATS bucket " + name + " exists with maxAge " + status.getTtl() + " instead of " + maxAge
                                    + "; delete it or use another ?bucket=",
                            e,
                            false);
                }
                LOG.log(
                        System.Logger.Level.DEBUG,
                        "bucket " + name + " exists with another configuration: " + e.getMessage());
            }
        } catch (JetStreamApiException e) {
            throw new BackendException(
                    null,
                    "NATS refused to create key-value bucket " + name + " (" + e.getMessage()
                            + "); check JetStream limits and the account's permissions on " + what,
                    e,
                    false);
        } catch (IOException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("503") || msg.toLowerCase(java.util.Locale.ROOT).contains("no responders")) {
                throw JetStreamOps.noJetStream(null, what);
            }
            throw new BackendException(null, "cannot create NATS key-value bucket " + name + ": " + msg, e, true);
        }
    }

    private static long leaseMillis(Duration ttl) {
        long steps = Ttls.unitsUp(ttl, NatsOptions.LEASE_STEP);
        return steps > Long.MAX_VALUE / STEP_MS ? Long.MAX_VALUE / STEP_MS * STEP_MS : steps * STEP_MS;
    }

    private String leaseBucket(long leaseMillis) {
        String name = leaseBucketName(records, leaseMillis);
        if (!leaseBuckets.contains(leaseMillis)) {
            ensureBucket(name, Duration.ofMillis(leaseMillis), name);
            leaseBuckets.add(leaseMillis);
        }
        return name;
    }

    private static String newId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    // ---- liveness -----------------------------------------------------------------------------

    /** Whether the server still holds the grant's lease key. */
    private boolean alive(Grant g, Deadline d, String name) {
        Entry e = ops.read(leaseBucket(g.leaseMillis()), g.id(), d, name);
        return e != null && !e.deleted();
    }

    /** Writes a new lease key; returns its revision. */
    private long createLease(long leaseMillis, String id, String owner, Deadline d, String name) {
        try {
            long rev = ops.compareAndSet(
                    leaseBucket(leaseMillis), id, owner.getBytes(StandardCharsets.UTF_8), 0, null, d, name);
            leaseRevisions.put(id, rev);
            return rev;
        } catch (Conflict c) {
            throw new BackendException(name, "lease id collision in NATS (" + id + ")", null, true);
        }
    }

    /** Renews a grant's lease key if the server still has it; false once it expired or was removed. */
    private boolean renew(Grant g, Deadline d, String name) {
        String bucket = leaseBucket(g.leaseMillis());
        Long known = leaseRevisions.get(g.id());
        if (known != null && casLease(g, bucket, known, d, name)) {
            return true;
        }
        // not renewed by this client before, or renewed elsewhere since: look at the key itself
        Entry e = ops.read(bucket, g.id(), d, name);
        if (e == null || e.deleted()) {
            leaseRevisions.remove(g.id());
            return false;
        }
        return casLease(g, bucket, e.revision(), d, name);
    }

    private boolean casLease(Grant g, String bucket, long expected, Deadline d, String name) {
        try {
            long rev = ops.compareAndSet(
                    bucket, g.id(), g.owner().getBytes(StandardCharsets.UTF_8), expected, null, d, name);
            leaseRevisions.put(g.id(), rev);
            return true;
        } catch (Conflict c) {
            leaseRevisions.remove(g.id());
            return false;
        }
    }

    /**
     * Removes a lease key that no record names any more, without waiting for the server: every
     * decision reads the record first, so the key only costs space until it expires by itself.
     */
    private void dropLease(Grant g) {
        leaseRevisions.remove(g.id());
        ops.deleteNoWait(leaseBucketName(records, g.leaseMillis()), g.id());
    }

    // ---- records ------------------------------------------------------------------------------

    private record Read(long revision, GrantRecord record) {}

    /**
     * The last record this client wrote or read per record key, so that a key it used before costs
     * no read: a write based on it is a compare-and-set on its revision, and a stale entry only
     * makes that write fail (then the record is read). Bounded; least recently used go first.
     */
    private final Map<String, Read> lastRecords =
            java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<String, Read>(256, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Read> eldest) {
                    return size() > 4096;
                }
            });

    private Read readRecord(String recordKey, Deadline d, String name) {
        Entry e = ops.read(records, recordKey, d, name);
        if (e == null) {
            return new Read(0, GrantRecord.EMPTY);
        }
        if (e.deleted()) {
            return new Read(e.revision(), GrantRecord.EMPTY);
        }
        try {
            return new Read(e.revision(), GrantRecord.decode(e.value()).resolved(e.revision()));
        } catch (RuntimeException ex) {
            throw new BackendException(
                    name,
                    "unreadable lock record " + recordKey + " in NATS bucket " + records + ": " + ex.getMessage(),
                    ex,
                    false);
        }
    }

    private static boolean unanswered(BackendException e) {
        Throwable c = e.getCause();
        return e.isTransient()
                && (c instanceof TimeoutException
                        || c instanceof CancellationException
                        || c instanceof JetStreamOps.ConnectionLost);
    }

    // ---- operations ---------------------------------------------------------------------------

    @Override
    public AcquireResult tryAcquire(AcquireRequest r) {
        String name = r.key();
        long leaseMs = leaseMillis(r.ttl());
        // the first use of a lease length creates its bucket, bounded by requestTimeout, not by the call
        leaseBucket(leaseMs);
        Deadline d = ops.deadline(r.timeout());
        Duration granted = Duration.ofMillis(leaseMs);
        String rk = KeyNames.recordKey(r.kind(), r.key());
        String id = null; // the new grant's lease key, written once and used by every race
        try {
            for (int race = 0; race < MAX_RACES; race++) {
                Read read = null;
                if (race == 0) {
                    Read known = lastRecords.get(rk);
                    // a free record seen last (or, for a key never seen, none at all): try to write at once
                    read = known == null
                            ? new Read(0, GrantRecord.EMPTY)
                            : known.record().grants.isEmpty() ? known : null;
                }
                if (read == null) {
                    read = readRecord(rk, d, name);
                }
                List<Grant> kept = new ArrayList<>();
                Grant mine = null;
                for (Grant g : read.record().grants) {
                    if (g.owner().equals(r.owner())) {
                        if (alive(g, d, name)) {
                            mine = g;
                        }
                    } else if (alive(g, d, name)) {
                        kept.add(g);
                    }
                }
                if (mine == null && kept.size() >= r.maxPermits()) {
                    long shortest = Long.MAX_VALUE;
                    for (Grant g : kept) {
                        shortest = Math.min(shortest, g.leaseMillis());
                    }
                    return AcquireResult.held(r.isLock() ? kept.get(0).owner() : null, Duration.ofMillis(shortest));
                }
                if (mine != null && mine.leaseMillis() == leaseMs) {
                    if (renew(mine, d, name)) {
                        return AcquireResult.acquired(mine.token(), granted);
                    }
                    continue; // it expired meanwhile
                }
                if (id == null) {
                    id = newId();
                    createLease(leaseMs, id, r.owner(), d, name);
                }
                Grant grant = new Grant(r.owner(), id, leaseMs, mine == null ? 0 : mine.token());
                kept.add(grant);
                GrantRecord next = read.record().with(false, r.maxPermits(), kept, read.record().value);
                try {
                    long rev = ops.compareAndSet(records, rk, next.encode(), read.revision(), id, d, name);
                    lastRecords.put(rk, new Read(rev, next.resolved(rev)));
                    if (mine != null) {
                        dropLease(mine);
                    }
                    id = null; // in use
                    return AcquireResult.acquired(mine == null ? rev : mine.token(), granted);
                } catch (Conflict c) {
                    lastRecords.remove(rk);
                } catch (BackendException e) {
                    if (unanswered(e)) {
                        Long token = confirm(rk, id, name);
                        if (token != null) {
                            id = null;
                            return AcquireResult.acquired(token, granted);
                        }
                    }
                    throw e;
                }
            }
            return AcquireResult.held(null, null);
        } finally {
            if (id != null) {
                dropLease(new Grant(r.owner(), id, leaseMs, 0));
            }
        }
    }

    /**
     * After an unanswered grant write: whether it was applied after all (the token), or not (null).
     * The read has its own short bound; if it fails too the grant, if applied, lapses with its lease.
     */
    private Long confirm(String rk, String id, String name) {
        try {
            Read read = readRecord(rk, ops.deadline(JetStreamOps.MIN_CALL_BOUND), name);
            for (Grant g : read.record().grants) {
                if (g.id().equals(id)) {
                    return g.token();
                }
            }
        } catch (BackendException e) {
            LOG.log(System.Logger.Level.DEBUG, "could not confirm an unanswered NATS grant write: " + e.getMessage());
        }
        return null;
    }

    @Override
    public boolean extend(LeaseRef lease) {
        String name = lease.key();
        long leaseMs = leaseMillis(lease.ttl());
        leaseBucket(leaseMs);
        Deadline d = ops.deadline(null);
        String rk = KeyNames.recordKey(lease.kind(), lease.key());
        // A renewal counts only if the record still names the grant after it: a release drops the
        // grant from the record before it deletes the lease key, so a renewal racing a release
        // (from another client) is not reported as held. This client's own grant is known from its
        // last write: renew, then read.
        Read known = lastRecords.get(rk);
        Grant cached = known == null ? null : find(known.record(), lease.owner());
        if (cached != null && cached.leaseMillis() == leaseMs && leaseRevisions.containsKey(cached.id())) {
            if (renew(cached, d, name)) {
                return namesGrant(rk, lease.owner(), cached.id(), d, name);
            }
        }
        for (int race = 0; race < MAX_RACES; race++) {
            Read read = readRecord(rk, d, name);
            Grant mine = find(read.record(), lease.owner());
            if (mine == null) {
                return false;
            }
            if (!renew(mine, d, name)) {
                return false;
            }
            if (mine.leaseMillis() == leaseMs) {
                return namesGrant(rk, lease.owner(), mine.id(), d, name);
            }
            // another lease length: a lease key in that bucket, and the record pointing to it
            String id = newId();
            createLease(leaseMs, id, lease.owner(), d, name);
            List<Grant> grants = new ArrayList<>(read.record().grants);
            grants.replaceAll(g -> g == mine ? new Grant(mine.owner(), id, leaseMs, mine.token()) : g);
            GrantRecord next = read.record().with(false, read.record().maxPermits, grants, read.record().value);
            try {
                long rev = ops.compareAndSet(records, rk, next.encode(), read.revision(), null, d, name);
                lastRecords.put(rk, new Read(rev, next.resolved(rev)));
                dropLease(mine);
                return true;
            } catch (Conflict c) {
                leaseRevisions.remove(id);
            }
        }
        throw new BackendException(name, "extend lost " + MAX_RACES + " races in a row on NATS", null, true);
    }

    /** Whether the record names the owner's grant with that lease key now. */
    private boolean namesGrant(String rk, String owner, String id, Deadline d, String name) {
        Read read = readRecord(rk, d, name);
        Grant mine = find(read.record(), owner);
        return mine != null && mine.id().equals(id);
    }

    private static Grant find(GrantRecord rec, String owner) {
        for (Grant g : rec.grants) {
            if (g.owner().equals(owner)) {
                return g;
            }
        }
        return null;
    }

    @Override
    public boolean release(LeaseKind kind, String key, String owner) {
        Deadline d = ops.deadline(null);
        String rk = KeyNames.recordKey(kind, key);
        for (int race = 0; race < MAX_RACES; race++) {
            Read known = race == 0 ? lastRecords.get(rk) : null;
            Read read = known != null && find(known.record(), owner) != null ? known : readRecord(rk, d, key);
            Grant mine = find(read.record(), owner);
            if (mine == null) {
                return false;
            }
            List<Grant> rest = new ArrayList<>(read.record().grants);
            rest.remove(mine);
            GrantRecord next = read.record().with(true, read.record().maxPermits, rest, read.record().value);
            try {
                long rev = ops.compareAndSet(records, rk, next.encode(), read.revision(), null, d, key);
                lastRecords.put(rk, new Read(rev, next.resolved(rev)));
                dropLease(mine);
                return true;
            } catch (Conflict c) {
                lastRecords.remove(rk);
            }
        }
        throw new BackendException(key, "release lost " + MAX_RACES + " races in a row on NATS", null, true);
    }

    @Override
    public Holders inspect(LeaseKind kind, String key) {
        Deadline d = ops.deadline(null);
        Read read = readRecord(KeyNames.recordKey(kind, key), d, key);
        List<LockInfo> live = new ArrayList<>();
        for (Grant g : read.record().grants) {
            if (alive(g, d, key)) {
                live.add(new LockInfo(key, kind, g.owner(), g.token(), Duration.ofMillis(g.leaseMillis())));
            }
        }
        return live.isEmpty() ? Holders.FREE : new Holders(read.record().maxPermits, live);
    }

    @Override
    public List<LockInfo> list(String keyPrefix) {
        List<String> keys;
        try {
            keys = connection
                    .keyValue(
                            records,
                            KeyValueOptions.builder()
                                    .jsRequestTimeout(options.requestTimeout())
                                    .build())
                    .keys();
        } catch (IOException | JetStreamApiException e) {
            throw new BackendException(
                    null, "cannot list the keys of NATS bucket " + records + ": " + e.getMessage(), e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(null, "interrupted while listing NATS bucket " + records, e, false);
        }
        List<LockInfo> out = new ArrayList<>();
        for (String rk : keys) {
            LeaseKind kind = KeyNames.kindOf(rk);
            if (kind == null) {
                continue;
            }
            String key = KeyNames.keyOf(rk);
            if (key.startsWith(keyPrefix)) {
                out.addAll(inspect(kind, key).grants());
            }
        }
        return out;
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        Deadline d = ops.deadline(null);
        List<LockInfo> removed = new ArrayList<>();
        for (LeaseKind kind : LeaseKind.values()) {
            String rk = KeyNames.recordKey(kind, key);
            for (int race = 0; ; race++) {
                Read read = readRecord(rk, d, key);
                if (read.record().grants.isEmpty()) {
                    break;
                }
                List<LockInfo> live = new ArrayList<>();
                for (Grant g : read.record().grants) {
                    if (alive(g, d, key)) {
                        live.add(new LockInfo(key, kind, g.owner(), g.token(), Duration.ofMillis(g.leaseMillis())));
                    }
                }
                GrantRecord next = read.record().with(true, read.record().maxPermits, List.of(), read.record().value);
                for (Grant g : read.record().grants) {
                    leaseRevisions.remove(g.id());
                    ops.delete(leaseBucket(g.leaseMillis()), g.id(), d, key);
                }
                try {
                    long rev = ops.compareAndSet(records, rk, next.encode(), read.revision(), null, d, key);
                    lastRecords.put(rk, new Read(rev, next.resolved(rev)));
                    removed.addAll(live);
                    break;
                } catch (Conflict c) {
                    if (race >= MAX_RACES) {
                        throw new BackendException(
                                key, "forceRelease lost " + MAX_RACES + " races in a row on NATS", null, true);
                    }
                }
            }
        }
        return removed;
    }

    @Override
    public Optional<StoredState> readState(String key) {
        Deadline d = ops.deadline(null);
        Read read = readRecord(KeyNames.recordKey(LeaseKind.LOCK, key), d, key);
        GrantRecord.Value v = read.record().value;
        if (v == null) {
            return Optional.empty();
        }
        if (v.id() != null && !alive(new Grant("", v.id(), v.ttlMillis(), 0), d, key)) {
            return Optional.empty();
        }
        return Optional.of(new StoredState(v.bytes(), v.token()));
    }

    @Override
    public WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
        Deadline d = ops.deadline(null);
        String rk = KeyNames.recordKey(LeaseKind.LOCK, key);
        for (int race = 0; race < MAX_RACES; race++) {
            Read read = readRecord(rk, d, key);
            Grant mine = find(read.record(), owner);
            if (mine == null || mine.token() != fencingToken || !alive(mine, d, key)) {
                return read.record().fence(read.revision()) > fencingToken
                        ? WriteOutcome.STALE_TOKEN
                        : WriteOutcome.NOT_HELD;
            }
            String id = null;
            long ttlMs = 0;
            if (valueTtl != null) {
                id = newId();
                ttlMs = leaseMillis(valueTtl);
                createLease(ttlMs, id, owner, d, key);
                leaseRevisions.remove(id);
            }
            GrantRecord next = read.record()
                    .with(
                            false,
                            read.record().maxPermits,
                            read.record().grants,
                            new GrantRecord.Value(fencingToken, id, ttlMs, value.clone()));
            try {
                long rev = ops.compareAndSet(records, rk, next.encode(), read.revision(), null, d, key);
                lastRecords.put(rk, new Read(rev, next.resolved(rev)));
                return WriteOutcome.WRITTEN;
            } catch (Conflict c) {
                // read again
            }
        }
        throw new BackendException(key, "guarded write lost " + MAX_RACES + " races in a row on NATS", null, true);
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        if (closed) {
            return listeners.add(kind, key, listener);
        }
        return feed.register(kind, key, listener); // ready once the watch is in effect
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        feed.close();
        try {
            connection.removeConnectionListener(onDrop);
        } catch (RuntimeException e) {
            // closed already
        }
        if (ownsConnection) {
            try {
                connection.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
