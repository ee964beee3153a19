package dev.locksmith.redis;

import dev.locksmith.BackendException;
import dev.locksmith.LeaseKind;
import dev.locksmith.LockInfo;
import dev.locksmith.SemaphoreInfo;
import dev.locksmith.spi.AcquireResult;
import dev.locksmith.spi.Backend;
import dev.locksmith.spi.Capabilities;
import dev.locksmith.spi.LeaseRef;
import dev.locksmith.spi.ReleaseListener;
import dev.locksmith.spi.StoredState;
import dev.locksmith.spi.Subscription;
import dev.locksmith.spi.WriteOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisAskDataException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.exceptions.JedisNoScriptException;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Locksmith {@link Backend} on Redis (standalone, Sentinel-managed or cluster), over a blocking
 * Jedis client. Every operation is one Lua script run by {@code EVALSHA} (reloaded by {@code EVAL}
 * on {@code NOSCRIPT}); expiry is Redis's own ({@code PX}, and {@code TIME} for permits). Thread-safe.
 *
 * <p>Usually opened by {@code Locksmith.connect("redis://host:6379")}; use {@link #create} to run
 * on a client you already have, which this backend then never closes. See {@code
 * docs/backends/redis.md} for the data layout and the safety of each Redis deployment.
 */
public final class RedisBackend implements Backend {

    private final UnifiedJedis jedis;
    private final boolean ownsClient;
    private final boolean cluster;
    private final RedisOptions options;
    private final KeyLayout keys;
    private final byte[] channel;
    /**
     * Names this backend in the wait queues it joins ({@code <tag>:<owner>}), so that a release
     * naming one of its waiters is published on its own channel only.
     */
    private final byte[] tag = newTag();

    private final byte[] queueSlackMs;
    private final byte[] handOffWindowMs;
    private final Duration readyTimeout;
    private final Capabilities capabilities;
    private final Object notificationsLock = new Object();
    private volatile Notifications notifications;
    private boolean closed;

    /**
     * How releases are published and heard: classic ({@code PUBLISH} on one channel) or, on a
     * cluster that supports it, sharded ({@code SPUBLISH} on the key's channel). With {@code
     * shardedPubSub=auto} on a cluster, chosen on first use, because that asks a server.
     */
    private record Notifications(Scripts.Publishing scripts, ReleaseListeners listener, boolean sharded) {}

    RedisBackend(UnifiedJedis jedis, boolean ownsClient, RedisOptions options, Duration connectTimeout) {
        this.jedis = jedis;
        this.ownsClient = ownsClient;
        this.cluster = jedis instanceof JedisCluster;
        this.options = options;
        this.keys = new KeyLayout(options.keyPrefix());
        this.channel = KeyLayout.bytes(keys.channel());
        this.queueSlackMs = num(options.waitMarkerSlack().toMillis());
        this.handOffWindowMs = num(options.handOffWindow().toMillis());
        this.readyTimeout = connectTimeout;
        RedisOptions.ShardedPubSub sharding = options.shardedPubSub();
        if (!cluster && sharding == RedisOptions.ShardedPubSub.ON) {
            throw new IllegalArgumentException("shardedPubSub=on needs a redis cluster; standalone and sentinel"
                    + " servers use the one classic channel");
        }
        if (!cluster || sharding == RedisOptions.ShardedPubSub.OFF) {
            this.notifications = classic();
        } else if (sharding == RedisOptions.ShardedPubSub.ON) {
            if (!supportsShardedPubSub()) {
                throw new BackendException(
                        "shardedPubSub=on but the redis cluster's servers do not support sharded pub/sub (SPUBLISH,"
                                + " Redis 7.0 or later); use shardedPubSub=auto or off",
                        null);
            }
            this.notifications = sharded();
        } // auto on a cluster: asks a server on first use
        this.capabilities = new Capabilities(
                true, false, options.durableTokens(), false, Duration.ofMillis(1), Duration.ofMillis(1), true, true);
    }

    /**
     * A backend on a client the caller owns ({@code JedisPooled}, {@code JedisSentineled} or {@code
     * JedisCluster}); {@link #close()} leaves the client open. One connection of its pool is held for
     * release notifications once someone waits.
     */
    public static RedisBackend create(UnifiedJedis client, RedisOptions options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        return new RedisBackend(client, false, options, options.socketTimeout());
    }

    /** The settings in use. */
    public RedisOptions options() {
        return options;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public AcquireResult tryAcquire(String key, String owner, Duration ttl) {
        return acquire(key, owner, ttl, NO);
    }

    /** Queues {@code owner} in the key's wait queue when the lock is held; a release names the first live one. */
    @Override
    public AcquireResult tryAcquireOrQueue(String key, String owner, Duration ttl) {
        return acquire(key, owner, ttl, YES);
    }

    private AcquireResult acquire(String key, String owner, Duration ttl, byte[] queue) {
        List<?> r = list(runGrant(
                key,
                Scripts.ACQUIRE,
                List.of(keys.lock(key), keys.fence(key), keys.lockQueue(key), keys.turn(key)),
                List.of(b(owner), ms(ttl), queueSlackMs, queue, tag),
                () -> release(key, owner)));
        if (isOne(r.get(0))) {
            return AcquireResult.acquired(parseLong(r.get(1)), Duration.ofMillis(ttlMs(ttl)));
        }
        long pttl = parseLong(r.get(2));
        return AcquireResult.held(str(r.get(1)), pttl >= 0 ? Duration.ofMillis(pttl) : null);
    }

    @Override
    public boolean extend(String key, String owner, Duration ttl) {
        return isOne(run(key, Scripts.EXTEND, List.of(keys.lock(key)), List.of(b(owner), ms(ttl))));
    }

    @Override
    public boolean release(String key, String owner) {
        Notifications n = notifications(key, "release");
        return isOne(run(
                key,
                n.scripts().release(),
                List.of(keys.lock(key), keys.lockQueue(key), keys.turn(key)),
                List.of(b(owner), channel(n, key), b(ReleaseListeners.payload(LeaseKind.LOCK, key)), handOffWindowMs)));
    }

    @Override
    public Optional<LockInfo> inspect(String key) {
        return inspect(key, NO);
    }

    /** Marks the key watched while held, so that its next release is published even with no acquirer queued. */
    @Override
    public Optional<LockInfo> inspectOrWatch(String key) {
        return inspect(key, YES);
    }

    private Optional<LockInfo> inspect(String key, byte[] watch) {
        List<?> r = list(
                run(key, Scripts.INSPECT, List.of(keys.lock(key), keys.lockQueue(key)), List.of(watch, queueSlackMs)));
        if (r.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(lockInfo(key, str(r.get(0)), parseLong(r.get(1))));
    }

    @Override
    public AcquireResult tryAcquirePermit(String key, String owner, int maxPermits, Duration ttl) {
        return acquirePermit(key, owner, maxPermits, ttl, NO);
    }

    @Override
    public AcquireResult tryAcquirePermitOrQueue(String key, String owner, int maxPermits, Duration ttl) {
        return acquirePermit(key, owner, maxPermits, ttl, YES);
    }

    private AcquireResult acquirePermit(String key, String owner, int maxPermits, Duration ttl, byte[] queue) {
        if (maxPermits < 1) {
            throw new IllegalArgumentException("maxPermits must be at least 1, was " + maxPermits);
        }
        List<?> r = list(runGrant(
                key,
                Scripts.ACQUIRE_PERMIT,
                List.of(keys.permits(key), keys.permitTokens(key), keys.fence(key), keys.permitQueue(key)),
                List.of(b(owner), num(maxPermits), ms(ttl), queueSlackMs, queue, tag),
                () -> releasePermit(key, owner)));
        if (isOne(r.get(0))) {
            return AcquireResult.acquired(parseLong(r.get(1)), Duration.ofMillis(ttlMs(ttl)));
        }
        return AcquireResult.held(null, Duration.ofMillis(parseLong(r.get(1))));
    }

    @Override
    public boolean extendPermit(String key, String owner, Duration ttl) {
        return isOne(run(
                key,
                Scripts.EXTEND_PERMIT,
                List.of(keys.permits(key), keys.permitTokens(key)),
                List.of(b(owner), ms(ttl))));
    }

    @Override
    public boolean releasePermit(String key, String owner) {
        Notifications n = notifications(key, "releasePermit");
        return isOne(run(
                key,
                n.scripts().releasePermit(),
                List.of(keys.permits(key), keys.permitTokens(key), keys.permitQueue(key)),
                List.of(b(owner), channel(n, key), b(ReleaseListeners.payload(LeaseKind.PERMIT, key)))));
    }

    @Override
    public Optional<SemaphoreInfo> inspectSemaphore(String key) {
        List<?> r =
                list(run(key, Scripts.INSPECT_PERMITS, List.of(keys.permits(key), keys.permitTokens(key)), List.of()));
        if (r.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new SemaphoreInfo(key, (int) parseLong(r.get(0)), permitInfos(key, r, 1)));
    }

    /**
     * One script call for the whole batch on a single node; on a cluster, one per hash slot (a
     * script may only touch keys of one slot).
     */
    @Override
    public boolean[] extendAll(List<LeaseRef> leases) {
        boolean[] out = new boolean[leases.size()];
        if (leases.isEmpty()) {
            return out;
        }
        Map<Integer, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < leases.size(); i++) {
            int slot =
                    cluster ? JedisClusterCRC16.getSlot(keys.lock(leases.get(i).key())) : 0;
            groups.computeIfAbsent(slot, s -> new ArrayList<>()).add(i);
        }
        for (List<Integer> group : groups.values()) {
            List<byte[]> ks = new ArrayList<>();
            List<byte[]> args = new ArrayList<>();
            for (int i : group) {
                LeaseRef l = leases.get(i);
                if (l.kind() == LeaseKind.LOCK) {
                    ks.add(keys.lock(l.key()));
                    args.add(L);
                } else {
                    ks.add(keys.permits(l.key()));
                    ks.add(keys.permitTokens(l.key()));
                    args.add(P);
                }
                args.add(b(l.owner()));
                args.add(ms(l.ttl()));
            }
            List<?> r = list(run(leases.get(group.get(0)).key(), Scripts.EXTEND_ALL, ks, args));
            for (int j = 0; j < group.size(); j++) {
                out[group.get(j)] = isOne(r.get(j));
            }
        }
        return out;
    }

    @Override
    public List<LockInfo> list(String keyPrefix) {
        Objects.requireNonNull(keyPrefix, "keyPrefix");
        TreeSet<String> lockKeys = new TreeSet<>();
        TreeSet<String> permitKeys = new TreeSet<>();
        try {
            ScanIteration scan = jedis.scanIteration(500, keys.scanPattern(keyPrefix));
            while (!scan.isIterationCompleted()) {
                for (String k : scan.nextBatch().getResult()) {
                    String lk = keys.keyOf(k, "lock");
                    if (lk != null && lk.startsWith(keyPrefix)) {
                        lockKeys.add(lk);
                    }
                    String pk = keys.keyOf(k, "permits");
                    if (pk != null && pk.startsWith(keyPrefix)) {
                        permitKeys.add(pk);
                    }
                }
            }
        } catch (JedisException e) {
            throw failure(keyPrefix, "list", e);
        }
        List<LockInfo> out = new ArrayList<>();
        for (String k : lockKeys) {
            inspect(k).ifPresent(out::add);
        }
        for (String k : permitKeys) {
            inspectSemaphore(k).ifPresent(s -> out.addAll(s.holders()));
        }
        return out;
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        Notifications n = notifications(key, "forceRelease");
        List<?> r = list(run(
                key,
                n.scripts().forceRelease(),
                List.of(
                        keys.lock(key),
                        keys.permits(key),
                        keys.permitTokens(key),
                        keys.lockQueue(key),
                        keys.permitQueue(key),
                        keys.turn(key)),
                List.of(
                        channel(n, key),
                        b(ReleaseListeners.payload(LeaseKind.LOCK, key)),
                        b(ReleaseListeners.payload(LeaseKind.PERMIT, key)))));
        List<LockInfo> out = new ArrayList<>();
        String lockValue = str(r.get(0));
        if (!lockValue.isEmpty()) {
            out.add(lockInfo(key, lockValue, parseLong(r.get(1))));
        }
        out.addAll(permitInfos(key, r, 2));
        return out;
    }

    @Override
    public Optional<StoredState> readState(String key) {
        List<byte[]> r;
        try {
            r = jedis.hmget(keys.state(key), V, T);
        } catch (JedisException e) {
            throw failure(key, "readState", e);
        }
        if (r.get(0) == null) {
            return Optional.empty();
        }
        return Optional.of(new StoredState(r.get(0), r.get(1) == null ? 0 : parseLong(r.get(1))));
    }

    @Override
    public WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
        Objects.requireNonNull(value, "value");
        Object r = run(
                key,
                Scripts.WRITE_STATE,
                List.of(keys.lock(key), keys.fence(key), keys.state(key)),
                List.of(b(owner), num(fencingToken), value, valueTtl == null ? new byte[0] : ms(valueTtl)));
        long code = (Long) r;
        return code == 1 ? WriteOutcome.WRITTEN : code == 2 ? WriteOutcome.STALE_TOKEN : WriteOutcome.NOT_HELD;
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener onRelease) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(onRelease, "onRelease");
        return notifications(key, "subscribe").listener().subscribe(kind, key, onRelease);
    }

    /** Whether releases travel over sharded pub/sub (on a cluster; decided on first use). */
    boolean shardedPubSub() {
        return notifications("", "shardedPubSub").sharded();
    }

    /** The release listener in use (for tests). */
    ReleaseListeners releaseListeners() {
        return notifications("", "releaseListeners").listener();
    }

    private Notifications notifications(String key, String op) {
        Notifications n = notifications;
        if (n != null) {
            return n;
        }
        synchronized (notificationsLock) {
            if (notifications == null) {
                notifications = chooseNotifications(key, op);
                if (closed) {
                    notifications.listener().close();
                }
            }
            return notifications;
        }
    }

    private Notifications chooseNotifications(String key, String op) {
        boolean supported;
        try {
            supported = ShardedReleaseChannel.supported((JedisCluster) jedis);
        } catch (JedisException e) {
            throw failure(key, op + " (asking whether the cluster has sharded pub/sub)", e);
        }
        return supported ? sharded() : classic();
    }

    private boolean supportsShardedPubSub() {
        try {
            return ShardedReleaseChannel.supported((JedisCluster) jedis);
        } catch (JedisException e) {
            throw new BackendException(
                    "cannot ask the redis cluster whether it has sharded pub/sub (shardedPubSub=on): " + e.getMessage(),
                    e);
        }
    }

    private Notifications classic() {
        return new Notifications(
                Scripts.CLASSIC,
                new ReleaseChannel(jedis, keys.channel(), keys.channel() + ":" + str(tag), readyTimeout),
                false);
    }

    private Notifications sharded() {
        return new Notifications(
                Scripts.SHARDED, new ShardedReleaseChannel((JedisCluster) jedis, keys, str(tag), readyTimeout), true);
    }

    private byte[] channel(Notifications n, String key) {
        return n.sharded() ? KeyLayout.bytes(keys.releaseChannel(key)) : channel;
    }

    @Override
    public void leaveQueue(LeaseKind kind, String key, String owner) {
        try {
            jedis.zrem(kind == LeaseKind.LOCK ? keys.lockQueue(key) : keys.permitQueue(key), b(str(tag) + ":" + owner));
        } catch (JedisException e) {
            throw failure(key, "leaveQueue", e);
        }
    }

    @Override
    public void close() {
        Notifications n;
        synchronized (notificationsLock) {
            closed = true;
            n = notifications;
        }
        if (n != null) {
            n.listener().close();
        }
        if (ownsClient) {
            jedis.close();
        }
    }

    @Override
    public String toString() {
        return "RedisBackend{" + (cluster ? "cluster, " : "") + options + "}";
    }

    // ---- helpers

    /** This backend's name in wait queues and in its own release channel (for tests). */
    String tag() {
        return str(tag);
    }

    private static byte[] newTag() {
        byte[] random = new byte[6];
        new java.security.SecureRandom().nextBytes(random);
        return java.util.HexFormat.of().formatHex(random).getBytes(StandardCharsets.US_ASCII);
    }

    private static final byte[] YES = {'1'};
    private static final byte[] NO = {'0'};
    private static final byte[] L = {'L'};
    private static final byte[] P = {'P'};
    private static final byte[] V = {'v'};
    private static final byte[] T = {'t'};

    private Object run(String key, Scripts.Script script, List<byte[]> ks, List<byte[]> args) {
        try {
            try {
                return jedis.evalsha(script.sha(), ks, args);
            } catch (JedisNoScriptException e) {
                return jedis.eval(script.body(), ks, args); // EVAL also caches the script again
            } catch (JedisDataException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                    return jedis.eval(script.body(), ks, args);
                }
                throw e;
            }
        } catch (JedisException e) {
            throw failure(key, script.name(), e);
        }
    }

    /**
     * Runs a granting script; with {@code replicaAcks} set, sends {@code WAIT} on the same connection
     * right behind it and undoes a grant that too few replicas acknowledged. On a cluster that
     * connection is one to the master owning the key's slot, so {@code WAIT} counts that master's
     * replicas.
     */
    private Object runGrant(String key, Scripts.Script script, List<byte[]> ks, List<byte[]> args, Runnable undo) {
        int want = options.replicaAcks();
        if (want == 0) {
            return run(key, script, ks, args);
        }
        Object result;
        long acks;
        try {
            Object[] out;
            if (cluster) {
                out = clusterEvalThenWait(key, script, ks, args, want);
            } else {
                out = evalThenWait(script, ks, args, want, false);
                if (out == null) {
                    out = evalThenWait(script, ks, args, want, true);
                }
            }
            result = out[0];
            acks = (Long) out[1];
        } catch (JedisException e) {
            throw failure(key, script.name(), e);
        }
        if (isOne(list(result).get(0)) && acks < want) {
            undo.run();
            throw new BackendException(
                    key,
                    "redis " + script.name() + " of '" + key + "' reached " + acks + " of " + want + " replicas within "
                            + options.replicaAckTimeout() + "; the grant was undone",
                    null);
        }
        return result;
    }

    /**
     * On a cluster: the script and {@code WAIT} on one pooled connection to the master owning the
     * slot of the key's (hash-tagged) keys. A {@code MOVED} reply means that node did not run the
     * script (nothing was granted): the slot map is refreshed and the grant tried once more. An
     * {@code ASK} (the slot is being migrated) or a second {@code MOVED} fails, again with nothing
     * granted.
     */
    private Object[] clusterEvalThenWait(
            String key, Scripts.Script script, List<byte[]> ks, List<byte[]> args, int want) {
        int slot = JedisClusterCRC16.getSlot(ks.get(0));
        for (int attempt = 1; ; attempt++) {
            try (Connection c = ((JedisCluster) jedis).getConnectionFromSlot(slot)) {
                Pipeline p = new Pipeline(c);
                Object[] out = evalThenWait(p, script, ks, args, want, false);
                return out != null ? out : evalThenWait(p, script, ks, args, want, true);
            } catch (JedisMovedDataException e) {
                if (attempt > 1) {
                    throw new BackendException(
                            key,
                            "redis " + script.name() + " of '" + key + "' failed: slot " + slot
                                    + " moved again (to " + e.getTargetNode() + ") after refreshing the cluster's"
                                    + " slot map; nothing was granted",
                            e);
                }
                jedis.exists(ks.get(0)); // a routed command follows MOVED and refreshes the slot map
            } catch (JedisAskDataException e) {
                throw new BackendException(
                        key,
                        "redis " + script.name() + " of '" + key + "' failed: slot " + slot + " is being migrated (to "
                                + e.getTargetNode() + ") and replicaAcks needs the grant and WAIT on one master;"
                                + " nothing was granted, try again",
                        e);
            }
        }
    }

    /** {script result, acks}, or null when the script was not cached (and {@code eval} is false). */
    private Object[] evalThenWait(Scripts.Script script, List<byte[]> ks, List<byte[]> args, int want, boolean eval) {
        AbstractPipeline ap = jedis.pipelined();
        try (ap) {
            if (!(ap instanceof Pipeline p)) {
                throw new IllegalStateException("replicaAcks needs a single-connection pipeline, got " + ap);
            }
            return evalThenWait(p, script, ks, args, want, eval);
        }
    }

    /** Sends the script and {@code WAIT} on {@code p}'s one connection; see {@link #evalThenWait}. */
    private Object[] evalThenWait(
            Pipeline p, Scripts.Script script, List<byte[]> ks, List<byte[]> args, int want, boolean eval) {
        Response<Object> r = eval ? p.eval(script.body(), ks, args) : p.evalsha(script.sha(), ks, args);
        Response<Long> w = p.waitReplicas(want, options.replicaAckTimeout().toMillis());
        p.sync();
        Object result;
        try {
            result = r.get();
        } catch (JedisDataException e) {
            if (!eval && e.getMessage() != null && e.getMessage().startsWith("NOSCRIPT")) {
                return null;
            }
            throw e;
        }
        return new Object[] {result, w.get()};
    }

    private static BackendException failure(String key, String op, JedisException e) {
        return new BackendException(key, "redis " + op + " of '" + key + "' failed: " + e.getMessage(), e);
    }

    private static LockInfo lockInfo(String key, String value, long pttl) {
        int i = value.indexOf('|');
        return new LockInfo(
                key,
                LeaseKind.LOCK,
                value.substring(i + 1),
                Long.parseLong(value.substring(0, i)),
                Duration.ofMillis(Math.max(pttl, 0)));
    }

    private static List<LockInfo> permitInfos(String key, List<?> r, int from) {
        List<LockInfo> out = new ArrayList<>();
        for (int i = from; i + 2 < r.size(); i += 3) {
            out.add(new LockInfo(
                    key,
                    LeaseKind.PERMIT,
                    str(r.get(i)),
                    parseLong(r.get(i + 2)),
                    Duration.ofMillis(Math.max(parseLong(r.get(i + 1)), 0))));
        }
        return out;
    }

    private static List<?> list(Object o) {
        return (List<?>) o;
    }

    private static boolean isOne(Object o) {
        return o instanceof Long l && l == 1L;
    }

    private static long parseLong(Object o) {
        if (o instanceof Long l) {
            return l;
        }
        return Long.parseLong(str(o));
    }

    private static String str(Object o) {
        if (o == null) {
            return null;
        }
        return o instanceof byte[] bs ? new String(bs, StandardCharsets.UTF_8) : o.toString();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] num(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    /** Whole milliseconds, rounded up so a lease is never shorter than asked; at least 1. */
    static long ttlMs(Duration ttl) {
        Objects.requireNonNull(ttl, "ttl");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, was " + ttl);
        }
        long ms = ttl.toMillis();
        return ttl.equals(Duration.ofMillis(ms)) ? ms : ms + 1;
    }

    private static byte[] ms(Duration ttl) {
        return num(ttlMs(ttl));
    }
}
