package dev.locksmith.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Raw looks at, and changes to, the local 3-master cluster of {@link RedisTestSupport#CLUSTER}. */
final class RedisClusterSupport {
    static final int[] PORTS = {7101, 7102, 7103};

    private RedisClusterSupport() {}

    static int slot(String keyOrChannel) {
        return JedisClusterCRC16.getSlot(keyOrChannel.getBytes(StandardCharsets.UTF_8));
    }

    /** The port of the master that owns {@code slot}. */
    static int ownerPort(int slot) {
        return slotPorts()[slot];
    }

    /** Per slot, the port of the master that owns it, as node 7101 sees it. */
    static int[] slotPorts() {
        int[] out = new int[16384];
        try (Jedis j = new Jedis("127.0.0.1", PORTS[0])) {
            for (Object o : j.clusterSlots()) {
                List<?> range = (List<?>) o;
                int port = ((Long) ((List<?>) range.get(2)).get(1)).intValue();
                Arrays.fill(out, ((Long) range.get(0)).intValue(), ((Long) range.get(1)).intValue() + 1, port);
            }
        }
        return out;
    }

    /** {@code PUBSUB SHARDNUMSUB channel} on the master that owns the channel's slot. */
    static long shardSubscribers(String channel) {
        try (Jedis j = new Jedis("127.0.0.1", ownerPort(slot(channel)))) {
            return j.pubsubShardNumSub(channel).getOrDefault(channel, 0L);
        }
    }

    /** {@code PUBSUB SHARDNUMSUB channel} summed over every master. */
    static long shardSubscribersAnywhere(String channel) {
        long n = 0;
        for (int port : PORTS) {
            try (Jedis j = new Jedis("127.0.0.1", port)) {
                n += j.pubsubShardNumSub(channel).getOrDefault(channel, 0L);
            }
        }
        return n;
    }

    /** How many connections to the node on {@code port} named {@code clientName} hold sharded subscriptions. */
    static long shardedSubscriberConnections(int port, String clientName) {
        long n = 0;
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (String line : j.clientList().split("\n")) {
                if ((" " + line + " ").contains(" name=" + clientName + " ") && !line.contains(" ssub=0 ")) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The sharded subscriptions ({@code ssub=}) of the connection(s) named {@code clientName} on the node. */
    static long shardedSubscriptions(int port, String clientName) {
        long n = 0;
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (String line : j.clientList().split("\n")) {
                if ((" " + line + " ").contains(" name=" + clientName + " ")) {
                    for (String field : line.split(" ")) {
                        if (field.startsWith("ssub=")) {
                            n += Long.parseLong(field.substring(5).trim());
                        }
                    }
                }
            }
        }
        return n;
    }

    /** How many connections to the node hold exactly {@code channels} sharded subscriptions. */
    static long connectionsHolding(int port, long channels) {
        long n = 0;
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (String line : j.clientList().split("\n")) {
                if ((" " + line + " ").contains(" ssub=" + channels + " ")) {
                    n++;
                }
            }
        }
        return n;
    }

    /** The ids of the connections named {@code clientName} that hold sharded subscriptions on the node. */
    static List<String> connectionIds(int port, String clientName) {
        List<String> ids = new java.util.ArrayList<>();
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (String line : j.clientList().split("\n")) {
                if ((" " + line + " ").contains(" name=" + clientName + " ") && !line.contains(" ssub=0 ")) {
                    ids.add(line.substring(3, line.indexOf(' ')));
                }
            }
        }
        return ids;
    }

    /** The {@code CLIENT LIST} line of connection {@code id} on the node, or null if it is gone. */
    static String clientLine(int port, String id) {
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (String line : j.clientList().split("\n")) {
                if (line.startsWith("id=" + id + " ")) {
                    return line;
                }
            }
        }
        return null;
    }

    /** Closes the sharded subscription connections named {@code clientName} on the node; returns how many. */
    static int killShardedSubscribers(int port, String clientName) {
        int killed = 0;
        try (Jedis j = new Jedis("127.0.0.1", port)) {
            for (String line : j.clientList().split("\n")) {
                if ((" " + line + " ").contains(" name=" + clientName + " ") && !line.contains(" ssub=0 ")) {
                    String id = line.substring(3, line.indexOf(' '));
                    j.clientKill(new redis.clients.jedis.params.ClientKillParams().id(id));
                    killed++;
                }
            }
        }
        return killed;
    }

    /**
     * Moves {@code slot} and its keys to the master on {@code toPort} as an operator's reshard does:
     * IMPORTING on the target, MIGRATING on the source, MIGRATE of every key, then NODE on the
     * target, the source and the other master.
     */
    static void moveSlot(int slot, int toPort) {
        int fromPort = ownerPort(slot);
        if (fromPort == toPort) {
            return;
        }
        try (Jedis from = new Jedis("127.0.0.1", fromPort);
                Jedis to = new Jedis("127.0.0.1", toPort)) {
            String fromId = from.clusterMyId();
            String toId = to.clusterMyId();
            to.clusterSetSlotImporting(slot, fromId);
            from.clusterSetSlotMigrating(slot, toId);
            while (true) {
                List<byte[]> keys = from.clusterGetKeysInSlotBinary(slot, 100);
                if (keys.isEmpty()) {
                    break;
                }
                from.migrate("127.0.0.1", toPort, 0, 5000, new MigrateParams(), keys.toArray(new byte[0][]));
            }
            to.clusterSetSlotNode(slot, toId);
            from.clusterSetSlotNode(slot, toId);
            for (int port : PORTS) {
                if (port != fromPort && port != toPort) {
                    try (Jedis other = new Jedis("127.0.0.1", port)) {
                        other.clusterSetSlotNode(slot, toId);
                    }
                }
            }
        }
    }

    /** Ends a half-done move of {@code slot} and gives it back to the master on {@code port}. */
    static void restoreSlot(int slot, int port) {
        for (int p : PORTS) {
            try (Jedis j = new Jedis("127.0.0.1", p)) {
                j.clusterSetSlotStable(slot);
            }
        }
        moveSlot(slot, port);
    }
}
