package dev.locksmith.redis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.JedisCluster;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Which master owns each slot of a cluster, read with {@code CLUSTER SLOTS} and kept until someone
 * sees the topology change ({@link #forget()}). Thread-safe.
 */
final class SlotMap {
    private final JedisCluster cluster;
    private String[] owners; // guarded by this
    private long epoch; // guarded by this

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
            map = read();
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

    /** {@code CLUSTER SLOTS} of the first node that answers. */
    private String[] read() {
        List<ConnectionPool> pools = new ArrayList<>(cluster.getClusterNodes().values());
        Collections.shuffle(pools);
        JedisException last = new JedisException("the cluster client knows no node");
        for (ConnectionPool pool : pools) {
            try (Connection c = pool.getResource()) {
                return parseSlots(c.executeCommand(new CommandArguments(Protocol.Command.CLUSTER).add("SLOTS")));
            } catch (JedisException e) {
                last = e;
            }
        }
        throw last;
    }

    /** {@code CLUSTER SLOTS}: per range {start, end, {host, port, id, ...} of the master, replicas...}. */
    static String[] parseSlots(Object reply) {
        String[] out = new String[16384];
        for (Object o : (List<?>) reply) {
            List<?> range = (List<?>) o;
            String id = ShardedFeed.str(((List<?>) range.get(2)).get(2));
            Arrays.fill(out, ((Long) range.get(0)).intValue(), ((Long) range.get(1)).intValue() + 1, id);
        }
        return out;
    }
}
