package dev.locksmith.redis;

import dev.locksmith.BackendException;
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
import dev.locksmith.spi.WaitQueue;
import dev.locksmith.spi.WriteOutcome;
import dev.locksmith.spi.support.FeedListeners;
import dev.locksmith.spi.support.Ttls;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A Locksmith {@link Backend} on Redis (standalone, Sentinel-managed or cluster), over a blocking
 * Jedis client. Every operation is one Lua script run by {@code EVALSHA} (reloaded by {@code EVAL}
 * on {@code NOSCRIPT}); expiry is Redis's own ({@code PX}, and {@code TIME} for permits). It plays
 * every optional role: release feed over pub/sub, wait queue, guarded state, operator actions.
 * Failures are {@link BackendException}s, transient when trying again may succeed; it never
 * retries them itself. Thread-safe.
 *
 * <p>Usually opened by {@code Locksmith.connect("redis://host:6379")}; use {@link #create} to run
 * on a client you already have, which this backend then never closes. See {@code
 * docs/backends/redis.md} for the data layout and the safety of each Redis deployment.
 */
public final class RedisBackend implements Backend, ReleaseFeed, WaitQueue, GuardedStore, OperatorActions {
    private static final byte[] YES = {'1'};
    private static final byte[] NO = {'0'};

    private final UnifiedJedis jedis;
    private final boolean ownsClient;
    private final boolean cluster;
    private final RedisOptions options;
    private final KeyLayout keys;
    private final RedisCalls calls;
    /** Names this backend in the wait queues it joins ({@code <tag>:<owner>}), and its own channel. */
    private final String tag =
            HexFormat.of().toHexDigits(new SecureRandom().nextLong()).substring(4);

    private final byte[] queueSlackMs;
    private final byte[] handOffWindowMs;
    private final Capabilities capabilities;
    private final FeedChoice feeds;

    RedisBackend(UnifiedJedis jedis, boolean ownsClient, RedisOptions options, TimeSource time) {
        this.jedis = jedis;
        this.ownsClient = ownsClient;
        this.cluster = jedis instanceof JedisCluster;
        this.options = options;
        this.keys = new KeyLayout(options.keyPrefix());
        this.calls = new RedisCalls(jedis, options);
        this.queueSlackMs = num(options.waitMarkerSlack().toMillis());
        this.handOffWindowMs = num(options.handOffWindow().toMillis());
        this.feeds = new FeedChoice(jedis, options, keys, tag, time, calls);
        this.capabilities =
                Capabilities.builder().durableTokens(options.durableTokens()).build();
    }

    /**
     * A backend on a client the caller owns ({@code JedisPooled}, {@code JedisSentineled} or {@code
     * JedisCluster}); {@link #close()} leaves the client open. One connection of its pool is held for
     * release notifications once someone waits.
     */
    public static RedisBackend create(UnifiedJedis client, RedisOptions options) {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(options, "options");
        return new RedisBackend(client, false, options, TimeSource.system());
    }

    /** The settings in use. */
    public RedisOptions options() {
        return options;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** A queued request that fails puts its owner in the key's wait queue; a release names the first live one. */
    @Override
    public AcquireResult tryAcquire(AcquireRequest r) {
        String key = r.key();
        byte[] queue = r.queue() ? YES : NO;
        byte[] owner = b(r.owner());
        byte[] ttl = num(Ttls.millisUp(r.ttl()));
        Runnable undo = () -> release(r.kind(), key, r.owner());
        List<?> out;
        if (r.isLock()) {
            List<byte[]> ks = List.of(keys.lock(key), keys.fence(key), keys.lockQueue(key), keys.turn(key));
            out = list(calls.runGrant(
                    key, Scripts.ACQUIRE, ks, List.of(owner, ttl, queueSlackMs, queue, b(tag)), r.timeout(), undo));
        } else {
            List<byte[]> ks =
                    List.of(keys.permits(key), keys.permitTokens(key), keys.fence(key), keys.permitQueue(key));
            List<byte[]> args = List.of(owner, num(r.maxPermits()), ttl, queueSlackMs, queue, b(tag));
            out = list(calls.runGrant(key, Scripts.ACQUIRE_PERMIT, ks, args, r.timeout(), undo));
        }
        if (isOne(out.get(0))) {
            return AcquireResult.acquired(parseLong(out.get(1)), Duration.ofMillis(Ttls.millisUp(r.ttl())));
        }
        if (!r.isLock()) {
            return AcquireResult.held(null, Duration.ofMillis(parseLong(out.get(1))));
        }
        long pttl = parseLong(out.get(2));
        return AcquireResult.held(str(out.get(1)), pttl >= 0 ? Duration.ofMillis(pttl) : null);
    }

    @Override
    public boolean extend(LeaseRef l) {
        Scripts.Script script = l.kind() == LeaseKind.LOCK ? Scripts.EXTEND : Scripts.EXTEND_PERMIT;
        List<byte[]> args = List.of(b(l.owner()), num(Ttls.millisUp(l.ttl())));
        return isOne(calls.run(l.key(), script, leaseKeys(l), args, null));
    }

    /** The Redis keys a lease's extension touches. */
    private List<byte[]> leaseKeys(LeaseRef l) {
        return l.kind() == LeaseKind.LOCK
                ? List.of(keys.lock(l.key()))
                : List.of(keys.permits(l.key()), keys.permitTokens(l.key()));
    }

    @Override
    public boolean release(LeaseKind kind, String key, String owner) {
        FeedChoice.Feed f = feeds.get(key, "release");
        byte[] topic = b(FeedListeners.topic(kind, key));
        if (kind == LeaseKind.LOCK) {
            List<byte[]> ks = List.of(keys.lock(key), keys.lockQueue(key), keys.turn(key));
            List<byte[]> args = List.of(b(owner), b(feeds.channel(f, key)), topic, handOffWindowMs);
            return isOne(calls.run(key, f.scripts().release(), ks, args, null));
        }
        List<byte[]> ks = List.of(keys.permits(key), keys.permitTokens(key), keys.permitQueue(key));
        return isOne(calls.run(
                key, f.scripts().releasePermit(), ks, List.of(b(owner), b(feeds.channel(f, key)), topic), null));
    }

    @Override
    public Holders inspect(LeaseKind kind, String key) {
        if (kind == LeaseKind.LOCK) {
            return inspectLock(key, NO);
        }
        List<?> r = list(calls.run(
                key, Scripts.INSPECT_PERMITS, List.of(keys.permits(key), keys.permitTokens(key)), List.of(), null));
        return r.isEmpty() ? Holders.FREE : new Holders((int) parseLong(r.get(0)), permitInfos(key, r, 1));
    }

    /** Marks the key watched while held, so that its next release is published even with no acquirer queued. */
    @Override
    public Holders inspectOrWatch(String key) {
        return inspectLock(key, YES);
    }

    private Holders inspectLock(String key, byte[] watch) {
        List<byte[]> ks = List.of(keys.lock(key), keys.lockQueue(key));
        List<?> r = list(calls.run(key, Scripts.INSPECT, ks, List.of(watch, queueSlackMs), null));
        return r.isEmpty() ? Holders.FREE : Holders.lock(lockInfo(key, str(r.get(0)), parseLong(r.get(1))));
    }

    /** One script call per hash slot (a script may only touch keys of one slot): one in all on a single node. */
    @Override
    public boolean[] extendAll(List<LeaseRef> leases) {
        boolean[] out = new boolean[leases.size()];
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
                ks.addAll(leaseKeys(l));
                args.addAll(
                        List.of(b(l.kind() == LeaseKind.LOCK ? "L" : "P"), b(l.owner()), num(Ttls.millisUp(l.ttl()))));
            }
            List<?> r = list(calls.run(leases.get(group.get(0)).key(), Scripts.EXTEND_ALL, ks, args, null));
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
        calls.call(keyPrefix, "list", () -> {
            ScanIteration scan = jedis.scanIteration(500, keys.scanPattern(keyPrefix));
            while (!scan.isIterationCompleted()) {
                for (String k : scan.nextBatch().getResult()) {
                    Optional.ofNullable(keys.keyOf(k, "lock"))
                            .filter(x -> x.startsWith(keyPrefix))
                            .ifPresent(lockKeys::add);
                    Optional.ofNullable(keys.keyOf(k, "permits"))
                            .filter(x -> x.startsWith(keyPrefix))
                            .ifPresent(permitKeys::add);
                }
            }
            return null;
        });
        List<LockInfo> out = new ArrayList<>();
        lockKeys.forEach(k -> out.addAll(inspect(LeaseKind.LOCK, k).grants()));
        permitKeys.forEach(k -> out.addAll(inspect(LeaseKind.PERMIT, k).grants()));
        return out;
    }

    @Override
    public List<LockInfo> forceRelease(String key) {
        FeedChoice.Feed f = feeds.get(key, "forceRelease");
        List<byte[]> ks = List.of(
                keys.lock(key),
                keys.permits(key),
                keys.permitTokens(key),
                keys.lockQueue(key),
                keys.permitQueue(key),
                keys.turn(key));
        List<byte[]> args = List.of(
                b(feeds.channel(f, key)),
                b(FeedListeners.topic(LeaseKind.LOCK, key)),
                b(FeedListeners.topic(LeaseKind.PERMIT, key)));
        List<?> r = list(calls.run(key, f.scripts().forceRelease(), ks, args, null));
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
        List<byte[]> r =
                calls.call(key, "readState", () -> jedis.hmget(keys.state(key), new byte[] {'v'}, new byte[] {'t'}));
        if (r.get(0) == null) {
            return Optional.empty();
        }
        return Optional.of(new StoredState(r.get(0), r.get(1) == null ? 0 : parseLong(r.get(1))));
    }

    @Override
    public WriteOutcome writeState(String key, String owner, long fencingToken, byte[] value, Duration valueTtl) {
        Objects.requireNonNull(value, "value");
        List<byte[]> args = List.of(
                b(owner), num(fencingToken), value, valueTtl == null ? new byte[0] : num(Ttls.millisUp(valueTtl)));
        long code = (Long) calls.run(
                key, Scripts.WRITE_STATE, List.of(keys.lock(key), keys.fence(key), keys.state(key)), args, null);
        return code == 1 ? WriteOutcome.WRITTEN : code == 2 ? WriteOutcome.STALE_TOKEN : WriteOutcome.NOT_HELD;
    }

    @Override
    public Subscription subscribe(LeaseKind kind, String key, ReleaseListener listener) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(listener, "listener");
        return feeds.get(key, "subscribe").listener().subscribe(kind, key, listener);
    }

    @Override
    public void leaveQueue(LeaseKind kind, String key, String owner) {
        byte[] queue = kind == LeaseKind.LOCK ? keys.lockQueue(key) : keys.permitQueue(key);
        calls.call(key, "leaveQueue", () -> jedis.zrem(queue, b(tag + ":" + owner)));
    }

    /** Whether releases travel over sharded pub/sub (on a cluster; decided on first use). */
    boolean shardedPubSub() {
        return feeds.get("", "shardedPubSub").sharded();
    }

    /** The release feed in use (for tests). */
    FeedChoice.KeyFeed releaseFeed() {
        return feeds.get("", "releaseFeed").listener();
    }

    @Override
    public void close() {
        feeds.close();
        if (ownsClient) {
            jedis.close();
        }
    }

    @Override
    public String toString() {
        return "RedisBackend{" + (cluster ? "cluster, " : "") + options + "}";
    }

    /** This backend's name in wait queues and in its own release channel (for tests). */
    String tag() {
        return tag;
    }

    private static LockInfo lockInfo(String key, String value, long pttl) {
        int i = value.indexOf('|');
        long token = Long.parseLong(value.substring(0, i));
        return new LockInfo(key, LeaseKind.LOCK, value.substring(i + 1), token, Duration.ofMillis(Math.max(pttl, 0)));
    }

    private static List<LockInfo> permitInfos(String key, List<?> r, int from) {
        List<LockInfo> out = new ArrayList<>();
        for (int i = from; i + 2 < r.size(); i += 3) {
            Duration left = Duration.ofMillis(Math.max(parseLong(r.get(i + 1)), 0));
            out.add(new LockInfo(key, LeaseKind.PERMIT, str(r.get(i)), parseLong(r.get(i + 2)), left));
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
        return o instanceof Long l ? l : Long.parseLong(str(o));
    }

    private static String str(Object o) {
        return o == null ? null : o instanceof byte[] bs ? new String(bs, StandardCharsets.UTF_8) : o.toString();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] num(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }
}
