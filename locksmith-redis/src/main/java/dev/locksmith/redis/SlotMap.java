package dev.locksmith.redis;

import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Which master owns each slot of a cluster, read with {@code CLUSTER SLOTS} and kept until someone
 * sees the topology change ({@link #forget()}); and whether the cluster has sharded pub/sub.
 * Thread-safe.
 */
final class SlotMap {
    private static final System.Logger LOG = System.getLogger(SlotMap.class.getName());
    private static final int SLOTS = 16384;

    private final JedisCluster cluster;
    // guarded by this
    private String[] owners;
    private long epoch;

    SlotMap(JedisCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * The node id of the master owning {@code slot}, or null while the slot is unassigned (which
     * also forgets the map, since it is being changed).
     *
     * @throws JedisException if no node answers
     */
    String ownerOf(int slot) {
        String[] map;
        long seen;
        synchronized (this) {
            map = owners;
            seen = epoch;
        }
        if (map == null) {
            map = read(cluster);
            synchronized (this) {
                if (epoch == seen) {
                    owners = map; // unless a topology change was seen while reading
                }
            }
        }
        if (map[slot] == null) {
            forget();
        }
        return map[slot];
    }

    /** The map may be out of date: read it again on next use. */
    synchronized void forget() {
        owners = null;
        epoch++;
    }

    /**
     * Whether the cluster's servers have {@code SPUBLISH} ({@code COMMAND INFO}, or the version in
     * {@code INFO server} where {@code COMMAND} is not allowed), asked of the first node that
     * answers.
     *
     * @throws JedisException if no node answers
     */
    static boolean supportsShardedPubSub(JedisCluster cluster) {
        JedisException last = null;
        for (ConnectionPool pool : shuffled(cluster)) {
            try (Connection c = pool.getResource()) {
                try {
                    Object info = c.executeCommand(new CommandArguments(Protocol.Command.COMMAND)
                            .add("INFO")
                            .add("SPUBLISH"));
                    return info instanceof List<?> l && !l.isEmpty() && l.get(0) != null;
                } catch (JedisDataException e) {
                    LOG.log(Level.DEBUG, "COMMAND INFO refused, asking INFO server", e);
                }
                try {
                    return majorVersion(
                                    str(c.executeCommand(new CommandArguments(Protocol.Command.INFO).add("server"))))
                            >= 7;
                } catch (JedisDataException e) {
                    LOG.log(Level.DEBUG, "INFO server refused too: using classic pub/sub", e);
                    return false;
                }
            } catch (JedisException e) {
                last = e;
            }
        }
        throw last != null ? last : new JedisException("the cluster client knows no node");
    }

    /** The major version in an {@code INFO server} answer, or 0 if none. */
    static int majorVersion(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                String v = line.substring("redis_version:".length()).trim();
                int dot = v.indexOf('.');
                try {
                    return Integer.parseInt(dot < 0 ? v : v.substring(0, dot));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }

    /** Slot to master node id, from {@code CLUSTER SLOTS} of the first node that answers. */
    private static String[] read(JedisCluster cluster) {
        JedisException last = null;
        for (ConnectionPool pool : shuffled(cluster)) {
            try (Connection c = pool.getResource()) {
                return parseSlots(c.executeCommand(new CommandArguments(Protocol.Command.CLUSTER).add("SLOTS")));
            } catch (JedisException e) {
                last = e;
            }
        }
        throw last != null ? last : new JedisException("the cluster client knows no node");
    }

    /** {@code CLUSTER SLOTS}: per range {start, end, {host, port, id, ...} of the master, replicas...}. */
    static String[] parseSlots(Object reply) {
        String[] out = new String[SLOTS];
        for (Object o : (List<?>) reply) {
            List<?> range = (List<?>) o;
            String id = str(((List<?>) range.get(2)).get(2));
            Arrays.fill(out, ((Long) range.get(0)).intValue(), ((Long) range.get(1)).intValue() + 1, id);
        }
        return out;
    }

    private static List<ConnectionPool> shuffled(JedisCluster cluster) {
        List<ConnectionPool> pools = new ArrayList<>(cluster.getClusterNodes().values());
        Collections.shuffle(pools);
        return pools;
    }

    static String str(Object o) {
        return o instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(o);
    }
}
